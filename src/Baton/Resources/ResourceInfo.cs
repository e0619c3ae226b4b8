namespace Baton;

/// <summary>A resource budget as it stands now (<see cref="IBatonInspector.GetResourcesAsync"/>).</summary>
public sealed record ResourceInfo
{
    /// <summary>The resource's name.</summary>
    public required string Name { get; init; }

    /// <summary>Declared rate per second, or null.</summary>
    public double? RatePerSecond { get; init; }

    /// <summary>Declared burst, or null without a rate.</summary>
    public int? Burst { get; init; }

    /// <summary>Units the rate would grant at once now (0 to <see cref="Burst"/>; 0 while paused), or null without a rate.</summary>
    public int? TokensAvailable { get; init; }

    /// <summary>Declared quota per window, or null.</summary>
    public long? QuotaLimit { get; init; }

    /// <summary>Units used in the current window, or null without a quota.</summary>
    public long? QuotaUsed { get; init; }

    /// <summary>Units left in the current window, or null without a quota.</summary>
    public long? QuotaRemaining { get; init; }

    /// <summary>When the current window ends and the quota resets, or null without a quota.</summary>
    public DateTimeOffset? WindowResetsAt { get; init; }

    /// <summary>Until when the resource is paused (a step reported it exhausted, e.g. an HTTP 429), or null when it is not paused.</summary>
    public DateTimeOffset? PausedUntil { get; init; }

    /// <summary>When the last run queued for the resource is due to try again, or null when none is queued.</summary>
    public DateTimeOffset? QueuedUntil { get; init; }
}

namespace Baton;

/// <summary>
/// A named resource shared by every function and node (e.g. <c>ebay:EBAY_GB</c>): a per-second rate, a windowed
/// quota, or both. Declared once with <see cref="BatonBuilder.AddResource(string, Action{ResourceBuilder})"/>; a step
/// names it with <c>step.Run(name, work, resource: "ebay:EBAY_GB")</c>. Its state lives in the database, so the
/// budget holds across nodes and restarts.
/// </summary>
public sealed record ResourceBudget
{
    /// <summary>Longest resource name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Creates a budget; throws <see cref="ArgumentException"/> for a bad name or pause.</summary>
    /// <param name="name">1–200 characters, no control characters.</param>
    /// <param name="rate">Per-second rate, or null.</param>
    /// <param name="quota">Windowed quota, or null.</param>
    /// <param name="defaultPause">How long the resource pauses after an exhaustion without a retry-after; null for one minute.</param>
    public ResourceBudget(string name, ResourceRate? rate = null, ResourceQuota? quota = null, TimeSpan? defaultPause = null)
    {
        CheckName(name);
        var pause = defaultPause ?? TimeSpan.FromMinutes(1);
        if (pause <= TimeSpan.Zero || pause > TimeSpan.FromDays(366))
        {
            throw new ArgumentOutOfRangeException(nameof(defaultPause), pause, "The default pause must be positive and at most a year");
        }

        Name = name;
        Rate = rate;
        Quota = quota;
        DefaultPause = pause;
    }

    /// <summary>The resource's name.</summary>
    public string Name { get; }

    /// <summary>Per-second rate, or null for none.</summary>
    public ResourceRate? Rate { get; }

    /// <summary>Windowed quota, or null for none.</summary>
    public ResourceQuota? Quota { get; }

    /// <summary>
    /// How long the resource pauses when a step reports it exhausted without saying until when (a 429 without
    /// <c>Retry-After</c>). Default is one minute.
    /// </summary>
    public TimeSpan DefaultPause { get; }

    /// <summary>
    /// Time between the wake-ups of runs queued for the resource, per unit: the rate's interval, else 10 ms. Queued
    /// runs wake one after another, not all at once; without a rate there is no pace to follow, and a window's worth
    /// of queued runs must not take longer than the window to drain.
    /// </summary>
    internal TimeSpan Spacing => Rate?.Interval ?? TimeSpan.FromMilliseconds(10);

    /// <summary>Why <paramref name="cost"/> could never be granted, or null when it can be.</summary>
    internal string? CheckCost(int cost)
    {
        if (cost < 1)
        {
            return $"the cost of resource '{Name}' must be at least 1 (was {cost})";
        }

        if (Rate is { } rate && cost > rate.Burst)
        {
            return $"the cost {cost} exceeds the burst ({rate.Burst}) of resource '{Name}', so it could never be granted";
        }

        if (Quota is { } quota && cost > quota.Limit)
        {
            return $"the cost {cost} exceeds the quota ({quota.Limit}) of resource '{Name}', so it could never be granted";
        }

        return null;
    }

    internal static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new ArgumentException($"A resource name must be 1 to {MaxNameLength} characters without control characters", nameof(name));
        }
    }
}

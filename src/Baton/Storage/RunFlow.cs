namespace Baton.Storage;

/// <summary>
/// What the claim of a flow-controlled run checks, computed by the core when the run is created. The provider stores
/// it with the run and applies it atomically at each claim; it knows no policy beyond these numbers.
/// </summary>
public sealed record RunFlow
{
    /// <summary>The fairness queue (function and key); claims rotate across queues in name order from a stored cursor.</summary>
    public required string Queue { get; init; }

    /// <summary>Milliseconds by which the run moves ahead (positive) or behind (negative) in its queue.</summary>
    public long PriorityMs { get; init; }

    /// <summary>First concurrency key (scope-qualified), or null.</summary>
    public string? Key1 { get; init; }

    /// <summary>Slots of <see cref="Key1"/>.</summary>
    public int Limit1 { get; init; }

    /// <summary>Second concurrency key (scope-qualified), or null.</summary>
    public string? Key2 { get; init; }

    /// <summary>Slots of <see cref="Key2"/>.</summary>
    public int Limit2 { get; init; }

    /// <summary>Throttle key (function-qualified), or null when the function has no throttle.</summary>
    public string? ThrottleKey { get; init; }

    /// <summary>GCRA emission interval in milliseconds: period / limit.</summary>
    public long ThrottleIntervalMs { get; init; }

    /// <summary>Starts allowed back to back.</summary>
    public int ThrottleBurst { get; init; }

    /// <summary>An expression that failed to evaluate for this run, recorded as the run's error (the run is queued with the failed key empty).</summary>
    public ErrorInfo? Error { get; init; }
}

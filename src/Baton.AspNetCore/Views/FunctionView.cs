namespace Baton.AspNetCore.Views;

/// <summary>A function: its configuration, whether it is paused, and its flow-control state.</summary>
public sealed record FunctionView
{
    /// <summary>Function id.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Event triggers (<c>event</c>, <c>if</c>).</summary>
    public required IReadOnlyList<EventTrigger> Triggers { get; init; }

    /// <summary>Cron triggers (<c>schedule</c>, <c>timeZone</c>).</summary>
    public required IReadOnlyList<CronTrigger> Crons { get; init; }

    /// <summary>Step retry policy.</summary>
    public required RetryPolicy Retry { get; init; }

    /// <summary>Timeouts in milliseconds (null when not set).</summary>
    public required TimeoutsView Timeouts { get; init; }

    /// <summary>Idempotency key expression.</summary>
    public string? Idempotency { get; init; }

    /// <summary>Cancel-on subscriptions.</summary>
    public required IReadOnlyList<CancelOnView> CancelOn { get; init; }

    /// <summary>The failure handler's function id.</summary>
    public string? FailureHandlerId { get; init; }

    /// <summary>True while paused: its events are stored but start no runs.</summary>
    public required bool Paused { get; init; }

    /// <summary>When it was paused.</summary>
    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>
    /// Flow-control configuration and live state, one member per rule the function declares (concurrency, throttle,
    /// rate limit, debounce, batch, priority, singleton, resource budgets). Clients must ignore members they do not know.
    /// </summary>
    public required IReadOnlyDictionary<string, object?> Flow { get; init; }

    internal static FunctionView From(FunctionInfo f, IReadOnlyList<FlowKeyInfo> keys, IReadOnlyList<PendingFlowInfo> pending) => From(f) with
    {
        Flow = Live(f, keys, pending),
    };

    private static Dictionary<string, object?> Live(FunctionInfo f, IReadOnlyList<FlowKeyInfo> keys, IReadOnlyList<PendingFlowInfo> pending)
    {
        var flow = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, rule) in f.FlowRules)
        {
            flow[name] = rule;
        }

        if (keys.Count > 0)
        {
            flow["keys"] = keys.Select(k => new { key = k.Key, running = k.Running, queued = k.Queued, throttledUntil = k.ThrottledUntil }).ToArray();
        }

        if (pending.Count > 0)
        {
            flow["pending"] = pending;
        }

        return flow;
    }

    internal static FunctionView From(FunctionInfo f) => new()
    {
        Id = f.Id,
        Name = f.Name,
        Triggers = f.Events,
        Crons = f.Crons,
        Retry = f.Retry,
        Timeouts = new TimeoutsView(Ms(f.StepTimeout), Ms(f.StartTimeout), Ms(f.FinishTimeout)),
        Idempotency = f.Idempotency,
        CancelOn = f.CancelOn.Select(c => new CancelOnView(c.Event, c.If, Ms(c.Window))).ToArray(),
        FailureHandlerId = f.FailureHandlerId,
        Paused = f.PausedAt is not null,
        PausedAt = f.PausedAt,
        Flow = new Dictionary<string, object?>(StringComparer.Ordinal),
    };

    private static double? Ms(TimeSpan? t) => t?.TotalMilliseconds;
}

/// <summary>Timeouts of a function, in milliseconds.</summary>
/// <param name="StepMs">Per step attempt.</param>
/// <param name="StartMs">From creation to first start.</param>
/// <param name="FinishMs">From creation to end.</param>
public sealed record TimeoutsView(double? StepMs, double? StartMs, double? FinishMs);

/// <summary>A cancel-on subscription.</summary>
/// <param name="Event">Event name.</param>
/// <param name="If">Condition.</param>
/// <param name="WindowMs">How long it is held, in milliseconds.</param>
public sealed record CancelOnView(string Event, string? If, double? WindowMs);

namespace Baton;

/// <summary>A registered function as the operator surface describes it.</summary>
public sealed record FunctionInfo
{
    /// <summary>Function id.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Event triggers: event name (possibly a <c>prefix/*</c> wildcard) and filter expression.</summary>
    public required IReadOnlyList<EventTrigger> Events { get; init; }

    /// <summary>Cron triggers: schedule and time zone.</summary>
    public required IReadOnlyList<CronTrigger> Crons { get; init; }

    /// <summary>Retry policy of its steps.</summary>
    public required RetryPolicy Retry { get; init; }

    /// <summary>Per-attempt step timeout, if any.</summary>
    public TimeSpan? StepTimeout { get; init; }

    /// <summary>Start timeout, if any.</summary>
    public TimeSpan? StartTimeout { get; init; }

    /// <summary>Finish timeout, if any.</summary>
    public TimeSpan? FinishTimeout { get; init; }

    /// <summary>Idempotency key expression, if any.</summary>
    public string? Idempotency { get; init; }

    /// <summary>Cancel-on subscriptions: event name, condition and window.</summary>
    public required IReadOnlyList<CancelOn> CancelOn { get; init; }

    /// <summary>Id of the function that runs when a run of this one fails, if any.</summary>
    public string? FailureHandlerId { get; init; }

    /// <summary>When the function was paused in this process, or null when it runs.</summary>
    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>
    /// The flow-control rules the function declares, by rule name (<c>concurrency</c>, <c>throttle</c>, <c>priority</c>,
    /// <c>rateLimit</c>, <c>debounce</c>, <c>batch</c>, <c>singleton</c>), each with its settings; empty when none.
    /// Durations are in milliseconds, keys are expressions.
    /// </summary>
    public IReadOnlyDictionary<string, object> FlowRules { get; init; } = new Dictionary<string, object>();
}

using Baton.Execution;
using Cronos;

namespace Baton.Functions;

/// <summary>Runs a function's body for one execution of a run.</summary>
internal delegate Task<object?> FunctionInvoker(IServiceProvider services, RunExecution execution);

internal sealed record CompiledEventTrigger(string Event, string? Prefix, BatonExpression? Filter)
{
    public bool Matches(string eventName) => Prefix is null ? eventName == Event : eventName.StartsWith(Prefix, StringComparison.Ordinal);
}

internal sealed record CompiledCronTrigger(int Index, string Schedule, CronExpression Cron, TimeZoneInfo Zone);

internal sealed record CompiledCancelOn(string Event, BatonExpression Condition, TimeSpan? Window);

/// <summary>A validated, compiled function: what the engine runs.</summary>
internal sealed class FunctionDefinition
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyList<CompiledEventTrigger> EventTriggers { get; init; }

    public required IReadOnlyList<CompiledCronTrigger> CronTriggers { get; init; }

    public required RetryPolicy Retry { get; init; }

    public TimeSpan? StepTimeout { get; init; }

    public TimeSpan? StartTimeout { get; init; }

    public TimeSpan? FinishTimeout { get; init; }

    public BatonExpression? Idempotency { get; init; }

    public required IReadOnlyList<CompiledCancelOn> CancelOns { get; init; }

    /// <summary>Ingest-time flow control (rate limit, debounce, batching, singleton); null when none is declared.</summary>
    public Flow.IngestRules? Ingest { get; init; }

    /// <summary>Claim-time flow control (concurrency, throttle, priority), or null for a plain function.</summary>
    public Flow.CompiledFlow? Flow { get; init; }

    public required FunctionInvoker Invoker { get; init; }

    /// <summary>The function run when a run of this one fails, if any.</summary>
    public FunctionDefinition? FailureHandler { get; init; }
}

namespace Baton;

/// <summary>Fluent configuration of one function: triggers and options. Validated when the function is registered.</summary>
public sealed partial class FunctionBuilder
{
    internal FunctionBuilder(string id)
    {
        Id = id;
    }

    /// <summary>The function's id.</summary>
    public string Id { get; }

    internal string? DisplayName { get; private set; }

    internal List<FunctionTrigger> Triggers { get; } = [];

    internal RetryPolicy? RetryPolicy { get; private set; }

    internal TimeSpan? StepTimeoutValue { get; private set; }

    internal TimeSpan? StartTimeoutValue { get; private set; }

    internal TimeSpan? FinishTimeoutValue { get; private set; }

    internal string? IdempotencyKey { get; private set; }

    internal List<CancelOn> CancelOns { get; } = [];

    /// <summary>A human-readable name for dashboards. Default is the id.</summary>
    public FunctionBuilder Name(string name)
    {
        DisplayName = name;
        return this;
    }

    /// <summary>Triggers on events named <paramref name="eventName"/> (or <c>prefix/*</c>), optionally filtered by an expression over <c>event</c>.</summary>
    public FunctionBuilder OnEvent(string eventName, string? @if = null)
    {
        Triggers.Add(new EventTrigger(eventName, @if));
        return this;
    }

    /// <summary>Triggers on a cron schedule in a time zone (IANA id; default UTC).</summary>
    public FunctionBuilder OnCron(string schedule, string? timeZone = null)
    {
        Triggers.Add(new CronTrigger(schedule, timeZone));
        return this;
    }

    /// <summary>Number of retries of each step (and of code outside steps). Default is 4 (5 attempts).</summary>
    public FunctionBuilder Retries(int retries)
    {
        RetryPolicy = (RetryPolicy ?? Baton.RetryPolicy.Default) with { MaxRetries = retries };
        return this;
    }

    /// <summary>The full retry policy (backoff, cap, jitter). Default is <see cref="Baton.RetryPolicy.Default"/>.</summary>
    public FunctionBuilder Retry(RetryPolicy policy)
    {
        RetryPolicy = policy;
        return this;
    }

    /// <summary>Time allowed for one step attempt; when it passes, the step's token is cancelled and the attempt fails. Default is none.</summary>
    public FunctionBuilder StepTimeout(TimeSpan timeout)
    {
        StepTimeoutValue = timeout;
        return this;
    }

    /// <summary>Longest time a run may wait in the queue before it starts; past it the run fails with a start timeout. Default is none.</summary>
    public FunctionBuilder StartTimeout(TimeSpan timeout)
    {
        StartTimeoutValue = timeout;
        return this;
    }

    /// <summary>Longest total duration of a run from its start, sleeps included; past it the run fails with a finish timeout. Default is none.</summary>
    public FunctionBuilder FinishTimeout(TimeSpan timeout)
    {
        FinishTimeoutValue = timeout;
        return this;
    }

    /// <summary>An expression over <c>event</c> whose value is an idempotency key: one run per key per 24 hours; later events with the key are skipped.</summary>
    public FunctionBuilder Idempotency(string keyExpression)
    {
        IdempotencyKey = keyExpression;
        return this;
    }

    /// <summary>Cancels runs when a matching event arrives (see <see cref="Baton.CancelOn"/>).</summary>
    public FunctionBuilder CancelOn(string eventName, string? match = null, string? @if = null, TimeSpan? window = null)
    {
        CancelOns.Add(new CancelOn(eventName, match, @if, window));
        return this;
    }
}

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

    internal List<Flow.ConcurrencyRule> ConcurrencyRules { get; } = [];

    internal Flow.ThrottleRule? ThrottleRule { get; private set; }

    internal string? PriorityExpression { get; private set; }

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

    /// <summary>
    /// Limits how many runs execute at once: per function, or per value of <paramref name="key"/> (an expression over
    /// <c>event</c>, e.g. <c>event.data.marketplace</c>). Counts executing runs: a sleeping, waiting or backing-off run
    /// holds no slot; the parallel steps of one run share its slot. Runs over the limit wait in order. At most two
    /// constraints per function. See <c>docs/flow-control.md</c>.
    /// </summary>
    /// <param name="limit">Runs of one key executing at once; at least 1.</param>
    /// <param name="key">Key expression; null for one key per function (or per scope).</param>
    /// <param name="scope">Who shares the key's slots. Default is <see cref="ConcurrencyScope.Function"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="scope"/> is <see cref="ConcurrencyScope.Shared"/> without a key, or is not defined.</exception>
    /// <exception cref="FunctionConfigurationException">A third constraint.</exception>
    public FunctionBuilder Concurrency(int limit, string? key = null, ConcurrencyScope scope = ConcurrencyScope.Function)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (!Enum.IsDefined(scope))
        {
            throw new ArgumentException($"'{scope}' is not a concurrency scope", nameof(scope));
        }

        if (scope == ConcurrencyScope.Shared && string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("a shared concurrency constraint needs a key: its value names the slots the functions share", nameof(key));
        }

        if (ConcurrencyRules.Count == 2)
        {
            throw new FunctionConfigurationException(Id, "concurrency", "at most two concurrency constraints per function");
        }

        ConcurrencyRules.Add(new Flow.ConcurrencyRule(limit, key, scope));
        return this;
    }

    /// <summary>
    /// Limits run starts to <paramref name="limit"/> per <paramref name="period"/> (GCRA: evenly spaced, with up to
    /// <paramref name="burst"/> back to back), per function or per value of <paramref name="key"/>. Excess runs wait in
    /// order; none is dropped.
    /// </summary>
    /// <param name="limit">Starts per period; at least 1.</param>
    /// <param name="period">The period; at least 1 millisecond.</param>
    /// <param name="burst">Starts allowed back to back; at least 1. Default is 1.</param>
    /// <param name="key">Key expression over <c>event</c>; null for one throttle per function.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public FunctionBuilder Throttle(int limit, TimeSpan period, int burst = 1, string? key = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ThrottleRule = new Flow.ThrottleRule(limit, period, burst, key);
        return this;
    }

    /// <summary>
    /// An expression over <c>event</c> giving seconds (−600 to 600) by which a run moves ahead of (positive) or
    /// behind (negative) runs of its queue that became due earlier. Values outside the range are clamped.
    /// </summary>
    /// <param name="expression">The priority expression, e.g. <c>event.data.boost * 60</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="expression"/> is null or white space.</exception>
    public FunctionBuilder Priority(string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        PriorityExpression = expression;
        return this;
    }
}

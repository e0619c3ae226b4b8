using Baton.Flow;

namespace Baton;

/// <summary>Ingest-time flow control: rules applied when an event arrives (see docs/flow-control.md).</summary>
public sealed partial class FunctionBuilder
{
    internal RateLimitPolicy? RateLimitValue { get; private set; }

    internal DebouncePolicy? DebounceValue { get; private set; }

    internal BatchPolicy? BatchValue { get; private set; }

    internal SingletonPolicy? SingletonValue { get; private set; }

    /// <summary>
    /// Starts at most <paramref name="limit"/> runs per <paramref name="period"/> (at most 24 hours) for each value of
    /// <paramref name="key"/> (an expression over <c>event</c>; default: one limit for the whole function). Excess
    /// events are skipped: stored and listed with the reason, never run. Default is no rate limit.
    /// </summary>
    public FunctionBuilder RateLimit(int limit, TimeSpan period, string? key = null)
    {
        RateLimitValue = new RateLimitPolicy(limit, period, key);
        return this;
    }

    /// <summary>
    /// Delays the run until no event with the same <paramref name="key"/> has arrived for <paramref name="period"/>;
    /// each new event restarts the period and replaces the pending run's event, so the run receives the last one.
    /// <paramref name="timeout"/> bounds the delay from the first event. Default is no debounce.
    /// </summary>
    public FunctionBuilder Debounce(TimeSpan period, string? key = null, TimeSpan? timeout = null)
    {
        DebounceValue = new DebouncePolicy(period, key, timeout);
        return this;
    }

    /// <summary>
    /// Collects events with the same <paramref name="key"/> into one run of up to <paramref name="maxSize"/> events,
    /// started when full or <paramref name="timeout"/> after its first event. The run sees the events in
    /// <see cref="FunctionContext.Events"/>; <c>Event</c> and <c>Data</c> are the first one's. Default is no batching.
    /// </summary>
    public FunctionBuilder Batch(int maxSize, TimeSpan timeout, string? key = null)
    {
        BatchValue = new BatchPolicy(maxSize, timeout, key);
        return this;
    }

    /// <summary>
    /// Allows one active (not finished) run per value of <paramref name="key"/>: a new event is skipped
    /// (<see cref="SingletonMode.Skip"/>) or cancels the active run (<see cref="SingletonMode.Cancel"/>). Default is none.
    /// </summary>
    public FunctionBuilder Singleton(string? key = null, SingletonMode mode = SingletonMode.Skip)
    {
        SingletonValue = new SingletonPolicy(key, mode);
        return this;
    }
}

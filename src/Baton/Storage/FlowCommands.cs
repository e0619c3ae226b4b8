namespace Baton.Storage;

/// <summary>
/// A run an event would start under ingest-time flow control. The planner decided the keys, times and reasons;
/// the provider applies the gates in order (<see cref="NewRun.IdempotencyKey"/>, <see cref="RateLimit"/>,
/// <see cref="Singleton"/>, then <see cref="Gather"/> or a plain insert) atomically in the ingest transaction,
/// reading and writing the per-key state rows, and records a skip when a gate refuses.
/// </summary>
public sealed record FlowRun
{
    /// <summary>The run to create (its id, trigger and cancel-on subscriptions).</summary>
    public required NewRun Run { get; init; }

    /// <summary>The triggering event as JSON (<c>{id, name, data, ts}</c>), appended to a batch's trigger.</summary>
    public required string EventJson { get; init; }

    /// <summary>Rate limit to pass first, if any.</summary>
    public RateLimitGate? RateLimit { get; init; }

    /// <summary>Singleton check, if any.</summary>
    public SingletonGate? Singleton { get; init; }

    /// <summary>Debounce or batch: the event joins the key's pending run instead of starting its own, if any.</summary>
    public GatherRule? Gather { get; init; }
}

/// <summary>
/// A generic cell rate (GCRA) gate per (function, key): the stored theoretical arrival time <c>tat</c> advances by
/// <see cref="Interval"/> per accepted event; an event is accepted when <c>max(tat, now) + Interval - now</c> is at
/// most <see cref="Window"/>.
/// </summary>
/// <param name="Key">The evaluated key ("" for the whole function).</param>
/// <param name="Interval">Time one accepted event uses up (period / limit).</param>
/// <param name="Window">The period: how far ahead the arrival time may run.</param>
/// <param name="SkipReason">Recorded on the event when refused.</param>
public sealed record RateLimitGate(string Key, TimeSpan Interval, TimeSpan Window, string SkipReason);

/// <summary>One unfinished run per (function, key).</summary>
/// <param name="Key">The evaluated key.</param>
/// <param name="CancelActive">True: cancel the active run (through the cancel path) and start this one; false: skip this event.</param>
/// <param name="Reason">Skip mode: the skip reason, with <c>{run}</c> replaced by the active run's id. Cancel mode: the active run's cancel reason.</param>
public sealed record SingletonGate(string Key, bool CancelActive, string Reason);

/// <summary>How a pending run takes a new event.</summary>
public enum GatherKind
{
    /// <summary>The event replaces the pending run's trigger and pushes its due time back.</summary>
    Debounce = 1,

    /// <summary>The event is appended to the pending run's trigger; the run is due at once when full.</summary>
    Batch = 2,
}

/// <summary>
/// One pending (queued, never claimed) run per (function, key) that new events join. When the key has none, the
/// run is created due at <see cref="DueAt"/>.
/// </summary>
/// <param name="Kind">Debounce or batch.</param>
/// <param name="Key">The evaluated key.</param>
/// <param name="DueAt">Due time of a new pending run; for debounce also the new due time of the joined run.</param>
/// <param name="MaxWait">Debounce: the pending run is never due later than its first event plus this.</param>
/// <param name="MaxSize">Batch: events per run; at this size the run is due at once and the next event starts a new one.</param>
/// <param name="ReplacedReason">Debounce: recorded as the skip of the event that this one replaces, followed by this event's id.</param>
public sealed record GatherRule(GatherKind Kind, string Key, DateTimeOffset DueAt, TimeSpan? MaxWait, int MaxSize, string ReplacedReason);

namespace Baton.Storage;

/// <summary>A named leader lease as stored: who holds it, under which fencing token, until when.</summary>
/// <param name="Name">The lease's name (the engine uses one, <c>baton</c>).</param>
/// <param name="Holder">The worker holding it.</param>
/// <param name="Token">Fencing token: it grows by one every time the lease is acquired, so an earlier holder's renewal or release can never apply.</param>
/// <param name="ExpiresAt">When the lease ends unless renewed.</param>
public sealed record LeaderLease(string Name, string Holder, long Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Take a leader lease when it is free: never held, released, expired at <see cref="Now"/>, or already held by
/// <see cref="Holder"/> (a node that stepped down and runs for election again). Taking it increments the token.
/// </summary>
/// <param name="Name">The lease.</param>
/// <param name="Holder">The candidate worker.</param>
/// <param name="Now">Current time.</param>
/// <param name="Until">Expiry if taken.</param>
public sealed record AcquireLeaseCommand(string Name, string Holder, DateTimeOffset Now, DateTimeOffset Until);

/// <summary>
/// Extend a leader lease. It applies while nobody else has taken the lease since (same holder and token), even
/// if it expired meanwhile: the token, not the clock, proves that no other node led in between.
/// </summary>
/// <param name="Lease">The lease as held.</param>
/// <param name="Until">New expiry.</param>
public sealed record RenewLeaseCommand(LeaderLease Lease, DateTimeOffset Until);

/// <summary>Give a leader lease up (on shutdown) so that another node can take it at once. Fenced like a renewal.</summary>
/// <param name="Lease">The lease as held.</param>
/// <param name="Now">Current time.</param>
public sealed record ReleaseLeaseCommand(LeaderLease Lease, DateTimeOffset Now);

/// <summary>Records a cron tick as its schedule's latest fired tick, in the transaction that ingests the tick's event.</summary>
/// <param name="Schedule">The schedule: function id and trigger index, e.g. <c>report:0</c>.</param>
/// <param name="Tick">The tick time; the stored value only ever moves forward.</param>
public sealed record CronTick(string Schedule, DateTimeOffset Tick);

/// <summary>
/// Delete one batch of history: at most <see cref="BatchSize"/> finished runs (with their steps, attempts and
/// waits), at most <see cref="BatchSize"/> events (with their skips), at most <see cref="BatchSize"/> expired
/// idempotency keys and at most <see cref="BatchSize"/> rows of each kind of spent flow-control state. Each kind is
/// deleted in its own short transaction. A null cutoff leaves that kind alone.
/// </summary>
/// <param name="FinishedBefore">Runs that finished (completed, failed or cancelled) before this are deleted; unfinished runs never are.</param>
/// <param name="EventsBefore">Events received before this are deleted.</param>
/// <param name="BatchSize">Most rows of each kind deleted by one call.</param>
/// <param name="KeysExpiredBy">
/// Idempotency keys that expired by this time are deleted, and flow-control state that no longer changes a decision
/// at this time: rate-limit and throttle rows whose next allowed time has passed (a key with no row behaves the same),
/// and singleton and debounce/batch rows whose run has finished or is gone.
/// </param>
public sealed record PruneCommand(DateTimeOffset? FinishedBefore, DateTimeOffset? EventsBefore, int BatchSize, DateTimeOffset? KeysExpiredBy);

/// <summary>What one prune call deleted.</summary>
/// <param name="Runs">Runs deleted (their steps, attempts and waits are not counted).</param>
/// <param name="Events">Events deleted (their skips are not counted).</param>
/// <param name="IdempotencyKeys">Expired idempotency keys deleted.</param>
/// <param name="FlowState">Rows of spent flow-control state deleted (rate limit, throttle, singleton, debounce/batch).</param>
public sealed record PruneResult(int Runs, int Events, int IdempotencyKeys, int FlowState = 0)
{
    /// <summary>Nothing deleted.</summary>
    public static PruneResult None { get; } = new(0, 0, 0);

    /// <summary>Whether some kind filled its batch, so more may be left (flow state: any of its four kinds).</summary>
    public bool FilledBatch(int batchSize) => Runs >= batchSize || Events >= batchSize || IdempotencyKeys >= batchSize || FlowState >= batchSize;

    /// <summary>Sums two results.</summary>
    public PruneResult Add(PruneResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Runs + other.Runs, Events + other.Events, IdempotencyKeys + other.IdempotencyKeys, FlowState + other.FlowState);
    }
}

using Baton.Storage;

namespace Baton.Flow;

/// <summary>A run waiting in a flow queue, as the claim sees it.</summary>
internal sealed record FlowCandidate(string RunId, string Queue, long DueMs, int Claims, string? Key1, int Limit1, string? Key2, int Limit2, string? ThrottleKey, long ThrottleIntervalMs, int ThrottleBurst);

/// <summary>
/// The statements a provider runs for <see cref="FlowClaimer"/>, all inside the claim's transaction. The provider
/// only reads and writes; every decision is the claimer's.
/// </summary>
internal interface IFlowClaimOps
{
    /// <summary>
    /// Up to <paramref name="count"/> queue names in rotation order (the queues after the rotation cursor in name order,
    /// then, wrapping around, those from the first name up to and including the cursor), and for each queue up to a fair
    /// share of <paramref name="budget"/> (<see cref="FairShare"/>) of its runs due at <paramref name="now"/> in claim
    /// order (due time minus priority, then creation), skipping runs another transaction has locked; and the keys whose
    /// claims this transaction now serializes across nodes until it ends. A lock name is a concurrency key of a
    /// candidate, or <see cref="FlowClaimer.ThrottleLockName"/> of the throttle key of a candidate never claimed before.
    /// A key another transaction holds is left out, and its runs wait for the next claim. A store whose single writer
    /// serializes every claim returns null: every key is its.
    /// </summary>
    ValueTask<(IReadOnlyList<string> Queues, IReadOnlyList<FlowCandidate> Candidates, IReadOnlySet<string>? Locked)> ReadQueuesAndCandidatesAsync(int count, int budget, DateTimeOffset now);

    /// <summary>Slots held per concurrency key: leased runs whose lease has not expired at <paramref name="now"/>.</summary>
    ValueTask<IReadOnlyDictionary<string, int>> CountHeldAsync(IReadOnlyCollection<string> keys, DateTimeOffset now);

    /// <summary>GCRA theoretical arrival time (Unix ms) per throttle key that has state.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> ReadThrottlesAsync(IReadOnlyCollection<string> keys);

    /// <summary>
    /// Leases <paramref name="runs"/> (candidates of this transaction's queue read, already locked or serialized by it),
    /// saves throttle states (key: theoretical arrival time, next allowed start), moves the rotation cursor to
    /// <paramref name="cursor"/> (the next claim starts with the queue after it), removes the queues of
    /// <paramref name="maybeEmpty"/> with no open run, and returns the leased runs in the given order with the earliest
    /// due time of a flow-controlled run after the claim.
    /// </summary>
    ValueTask<(IReadOnlyList<ClaimedRun> Claimed, DateTimeOffset? NextDue)> LeaseAndSaveAsync(
        IReadOnlyList<FlowCandidate> runs, ClaimCommand command, IReadOnlyDictionary<string, (long Tat, long AllowedAt)> throttles, string cursor, IReadOnlyList<string> maybeEmpty);

    /// <summary>The earliest due time after <paramref name="now"/> of a flow-controlled run (a wake-up, or a lease that will expire).</summary>
    ValueTask<DateTimeOffset?> NextDueAsync(DateTimeOffset now);

    /// <summary>Runs read per queue: the budget spread over the queues, at least one each.</summary>
    static int FairShare(int budget, int queues) => Math.Max(1, (budget + queues - 1) / queues);
}

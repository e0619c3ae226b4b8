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
    /// Up to <paramref name="count"/> queue names in rotation order: the queues after the rotation cursor in name order,
    /// then (wrapping around) those from the first name up to and including the cursor.
    /// </summary>
    ValueTask<IReadOnlyList<string>> ReadQueuesAsync(int count);

    /// <summary>
    /// For each queue, up to <paramref name="perQueue"/> of its runs due at <paramref name="now"/> in claim order (due
    /// time minus priority, then id), skipping runs another transaction has locked.
    /// </summary>
    ValueTask<IReadOnlyList<FlowCandidate>> ReadCandidatesAsync(IReadOnlyList<string> queues, int perQueue, DateTimeOffset now);

    /// <summary>
    /// Serializes claims of these keys across nodes until the transaction ends; returns the keys taken (a key another
    /// transaction holds is left out, and its runs wait for the next claim). A single-writer store returns them all.
    /// </summary>
    ValueTask<IReadOnlySet<string>> LockKeysAsync(IReadOnlyCollection<string> keys);

    /// <summary>Slots held per concurrency key: leased runs whose lease has not expired at <paramref name="now"/>.</summary>
    ValueTask<IReadOnlyDictionary<string, int>> CountHeldAsync(IReadOnlyCollection<string> keys, DateTimeOffset now);

    /// <summary>GCRA theoretical arrival time (Unix ms) per throttle key that has state.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> ReadThrottlesAsync(IReadOnlyCollection<string> keys);

    /// <summary>Leases the runs: candidates of this transaction's last <see cref="ReadCandidatesAsync"/> (already locked or serialized by it).</summary>
    ValueTask<IReadOnlyList<ClaimedRun>> LeaseAsync(IReadOnlyList<FlowCandidate> runs, ClaimCommand command);

    /// <summary>
    /// Saves throttle states (key: theoretical arrival time, next allowed start), moves the rotation cursor to
    /// <paramref name="cursor"/> (the next claim starts with the queue after it), and removes the queues of
    /// <paramref name="maybeEmpty"/> with no open run.
    /// </summary>
    ValueTask SaveAsync(IReadOnlyDictionary<string, (long Tat, long AllowedAt)> throttles, string cursor, IReadOnlyList<string> maybeEmpty);

    /// <summary>The earliest due time after <paramref name="now"/> of a flow-controlled run (a wake-up, or a lease that will expire).</summary>
    ValueTask<DateTimeOffset?> NextDueAsync(DateTimeOffset now);

    /// <summary>
    /// <see cref="ReadQueuesAsync"/>, then <see cref="ReadCandidatesAsync"/> with a fair share of <paramref name="budget"/>
    /// per queue (at least one). A provider with round trips to save answers both with one statement.
    /// </summary>
    async ValueTask<(IReadOnlyList<string> Queues, IReadOnlyList<FlowCandidate> Candidates)> ReadQueuesAndCandidatesAsync(int count, int budget, DateTimeOffset now)
    {
        var queues = await ReadQueuesAsync(count).ConfigureAwait(false);
        return queues.Count == 0 ? (queues, []) : (queues, await ReadCandidatesAsync(queues, FairShare(budget, queues.Count), now).ConfigureAwait(false));
    }

    /// <summary>
    /// <see cref="SaveAsync"/>, then <see cref="NextDueAsync"/>. A provider with round trips to save answers both with one
    /// statement.
    /// </summary>
    async ValueTask<DateTimeOffset?> SaveAndReadNextDueAsync(IReadOnlyDictionary<string, (long Tat, long AllowedAt)> throttles, string cursor, IReadOnlyList<string> maybeEmpty, DateTimeOffset now)
    {
        await SaveAsync(throttles, cursor, maybeEmpty).ConfigureAwait(false);
        return await NextDueAsync(now).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="LeaseAsync"/> (when <paramref name="runs"/> is not empty), then <see cref="SaveAndReadNextDueAsync"/>.
    /// A provider with round trips to save answers all three with one statement.
    /// </summary>
    async ValueTask<(IReadOnlyList<ClaimedRun> Claimed, DateTimeOffset? NextDue)> LeaseAndSaveAsync(
        IReadOnlyList<FlowCandidate> runs, ClaimCommand command, IReadOnlyDictionary<string, (long Tat, long AllowedAt)> throttles, string cursor, IReadOnlyList<string> maybeEmpty)
    {
        var claimed = runs.Count == 0 ? [] : await LeaseAsync(runs, command).ConfigureAwait(false);
        return (claimed, await SaveAndReadNextDueAsync(throttles, cursor, maybeEmpty, command.Now).ConfigureAwait(false));
    }

    /// <summary>Runs read per queue: the budget spread over the queues, at least one each.</summary>
    static int FairShare(int budget, int queues) => Math.Max(1, (budget + queues - 1) / queues);
}

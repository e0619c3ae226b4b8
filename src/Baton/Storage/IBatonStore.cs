namespace Baton.Storage;

/// <summary>
/// The storage contract, shaped by Baton's use cases. A provider (SQLite, PostgreSQL) implements it and
/// does atomically what each command says; it holds no flow-control policy of its own. Every provider
/// runs the same conformance tests.
/// </summary>
public interface IBatonStore : IAsyncDisposable
{
    /// <summary>Provider name for logs and errors, e.g. <c>sqlite</c>.</summary>
    string ProviderName { get; }

    /// <summary>Creates or migrates the schema. Safe to call from several processes at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens the writer used by the process's single group-commit loop. All state changes go through it,
    /// one transaction per batch.
    /// </summary>
    IStoreWriter OpenWriter();

    /// <summary>
    /// Calls <paramref name="wake"/> whenever another process commits work that may be due now, until cancelled.
    /// A provider without cross-process notifications returns at once; workers then rely on their poll interval.
    /// </summary>
    Task WatchForWorkAsync(Action wake, CancellationToken cancellationToken);

    /// <summary>Reads one run, or null.</summary>
    Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Reads the recorded steps of a run in position order (with failed attempts when asked).</summary>
    Task<IReadOnlyList<StepInfo>> GetStepsAsync(string runId, bool includeAttempts, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the recorded steps (without attempts) of several runs at once: the worker loads the history of
    /// every resumed run of a claim with one call. The default reads them one run at a time.
    /// </summary>
    async Task<IReadOnlyDictionary<string, IReadOnlyList<StepInfo>>> GetStepsOfRunsAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        var steps = new Dictionary<string, IReadOnlyList<StepInfo>>(runIds.Count, StringComparer.Ordinal);
        foreach (var runId in runIds)
        {
            steps[runId] = await GetStepsAsync(runId, includeAttempts: false, cancellationToken).ConfigureAwait(false);
        }

        return steps;
    }

    /// <summary>Lists runs, newest first.</summary>
    Task<Page<RunInfo>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>Lists events, newest first, with the runs they created and the skips they caused.</summary>
    Task<Page<EventInfo>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>Lists the pending runs of debounced and batching functions (one per function and key), by function and key.</summary>
    /// <param name="functionId">Only this function's; null for all.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    Task<IReadOnlyList<PendingFlowInfo>> ListPendingFlowAsync(string? functionId, CancellationToken cancellationToken);

    // Leader-only work. These run in their own short transactions, not through the group-commit writer: a lease
    // renewal must not queue behind a backlog of step commits, and a prune batch must not hold the batch that
    // every running step waits on (see docs/architecture.md, "Leader-only work").

    /// <summary>
    /// Takes the named leader lease if it is free (see <see cref="AcquireLeaseCommand"/>) and returns the lease as it
    /// stands afterwards: held by the caller when it won, otherwise by whoever holds it.
    /// </summary>
    Task<LeaderLease> AcquireLeaseAsync(AcquireLeaseCommand command, CancellationToken cancellationToken);

    /// <summary>Extends a leader lease; false when another node has taken it since (or it was released).</summary>
    Task<bool> RenewLeaseAsync(RenewLeaseCommand command, CancellationToken cancellationToken);

    /// <summary>Releases a leader lease; false when the caller no longer held it.</summary>
    Task<bool> ReleaseLeaseAsync(ReleaseLeaseCommand command, CancellationToken cancellationToken);

    /// <summary>Reads the named leader lease, or null when it was never held or is released. An expired lease is returned as stored.</summary>
    Task<LeaderLease?> GetLeaseAsync(string name, CancellationToken cancellationToken);

    /// <summary>The latest tick recorded for a cron schedule (<see cref="IngestCommand.CronTick"/>), or null when it never fired.</summary>
    Task<DateTimeOffset?> GetLastCronTickAsync(string schedule, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes one batch of old history (see <see cref="PruneCommand"/>), each kind in its own short transaction
    /// that takes no lock a claim or step commit waits on for longer than the batch takes. The caller repeats
    /// while <see cref="PruneResult.FilledBatch"/>.
    /// </summary>
    Task<PruneResult> PruneAsync(PruneCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// Pauses a function in its own short transaction (see <see cref="PauseFunctionCommand"/>); false when it was already
    /// paused (its pause time is kept). Every ingest that begins after the commit, on any node, sees the pause.
    /// </summary>
    Task<bool> PauseFunctionAsync(PauseFunctionCommand command, CancellationToken cancellationToken);

    /// <summary>Resumes a paused function in its own short transaction; returns when it had been paused, or null when it was not paused.</summary>
    Task<DateTimeOffset?> ResumeFunctionAsync(string functionId, CancellationToken cancellationToken);

    /// <summary>The paused functions, each with the time it was paused.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> GetPausedFunctionsAsync(CancellationToken cancellationToken);

    /// <summary>A run's stored log lines in order (see <see cref="RunLogBatch"/>), after <see cref="RunLogQuery.After"/>.</summary>
    Task<IReadOnlyList<RunLogLine>> GetRunLogsAsync(RunLogQuery query, CancellationToken cancellationToken);

    /// <summary>Claim-time flow state per function and key with open flow-controlled runs (see <see cref="IBatonInspector.GetFlowKeysAsync"/>).</summary>
    /// <param name="functionId">One function only; null for all.</param>
    /// <param name="now">Current time: leases expired by then are not counted as running.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<FlowKeyInfo>> GetFlowKeysAsync(string? functionId, DateTimeOffset now, CancellationToken cancellationToken)
        => throw new NotSupportedException($"The {ProviderName} store does not report flow control state.");

    /// <summary>Counts runs started, completed, failed and cancelled and their queue lag per bucket (see <see cref="RunStatsQuery"/>); buckets with nothing in them may be left out.</summary>
    /// <param name="query">The window, its buckets and an optional function; already validated.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<RunStatsBucket>> GetRunStatsAsync(RunStatsQuery query, CancellationToken cancellationToken)
        => throw new NotSupportedException($"The {ProviderName} store does not report run statistics.");

    /// <summary>
    /// Reads committed changes of runs and steps, by any process, oldest first, after <paramref name="after"/> (null: the
    /// current end of the feed, with no changes). Changes of one run come in the order they were committed. The feed
    /// is written by the store itself in the transactions that make the changes.
    /// </summary>
    /// <param name="after">Where the previous read ended; null to start now.</param>
    /// <param name="limit">Most changes to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<ChangePage> ReadChangesAsync(ChangeCursor? after, int limit, CancellationToken cancellationToken)
        => throw new NotSupportedException($"The {ProviderName} store has no change feed.");

    /// <summary>Deletes the oldest rows of the change feed, keeping about the newest <paramref name="keep"/>; returns how many were deleted.</summary>
    /// <param name="keep">Changes to keep.</param>
    /// <param name="cancellationToken">Cancels the prune.</param>
    Task<int> PruneChangesAsync(int keep, CancellationToken cancellationToken) => Task.FromResult(0);
}

/// <summary>
/// Applies state changes inside one transaction per batch (<see cref="BeginAsync"/> … <see cref="CommitAsync"/>).
/// Used by one loop at a time. Commands that advance a run are fenced: they apply only while the caller
/// still holds the run's lease (owner and token), and report <see cref="FenceResult.LeaseLost"/> otherwise.
/// </summary>
public interface IStoreWriter : IAsyncDisposable
{
    /// <summary>Starts a transaction.</summary>
    ValueTask BeginAsync(CancellationToken cancellationToken);

    /// <summary>Commits the transaction: everything applied since <see cref="BeginAsync"/> becomes durable at once.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Rolls the transaction back.</summary>
    ValueTask RollbackAsync(CancellationToken cancellationToken);

    /// <summary>Stores events (skipping ids seen within the dedupe window) and applies the planner's decisions for the new ones.</summary>
    ValueTask<IngestResult> IngestEventsAsync(IngestCommand command, CancellationToken cancellationToken);

    /// <summary>Leases up to <see cref="ClaimCommand.Limit"/> due runs, oldest due first.</summary>
    ValueTask<ClaimResult> ClaimDueRunsAsync(ClaimCommand command, CancellationToken cancellationToken);

    /// <summary>Records a step result, a failed attempt or a pending step (with its wait, child run or events).</summary>
    ValueTask<FenceResult> CommitStepAsync(CommitStepCommand command, CancellationToken cancellationToken);

    /// <summary>Releases a run's lease and parks it until a wake time (or an event), or re-queues it.</summary>
    ValueTask<FenceResult> SuspendRunAsync(SuspendRunCommand command, CancellationToken cancellationToken);

    /// <summary>Completes, fails or cancels a leased run; resolves a parent's invoke step; starts its failure handler.</summary>
    ValueTask<FenceResult> FinishRunAsync(FinishRunCommand command, CancellationToken cancellationToken);

    /// <summary>Extends the given leases that are still held (same owner and token); returns how many were extended.</summary>
    ValueTask<int> HeartbeatAsync(HeartbeatCommand command, CancellationToken cancellationToken);

    /// <summary>Persists progress of a leased run.</summary>
    ValueTask<FenceResult> SaveProgressAsync(ProgressCommand command, CancellationToken cancellationToken);

    /// <summary>Cancels a run that has not finished, whoever holds it (its lease is revoked).</summary>
    ValueTask<CancelResult> CancelRunAsync(CancelCommand command, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="error"/> is temporary (busy database, deadlock, serialization failure, lost connection) and the same batch may be retried.</summary>
    bool IsTransient(Exception error);
}

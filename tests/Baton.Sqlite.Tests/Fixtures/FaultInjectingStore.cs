using System.Collections.Concurrent;
using Baton.Storage;

namespace Baton.Sqlite.Tests.Fixtures;

/// <summary>
/// A real store with the faults a worker meets in production injected on demand: a partition (its claims and
/// heartbeats never reach the database, as for a paused or cut-off process) and writes the database refuses.
/// It reports the outcome of step commits, so a test can wait for a stale worker's write and see it fenced.
/// </summary>
internal sealed class FaultInjectingStore(IBatonStore inner) : IBatonStore
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FenceResult>> _commitWatches = new(StringComparer.Ordinal);
    private volatile bool _partitioned;

    /// <summary>
    /// While true, claims find nothing, heartbeats are lost and leader-lease commands fail as if the database were
    /// unreachable; everything else still reaches the database.
    /// </summary>
    public bool Partitioned
    {
        get => _partitioned;
        set => _partitioned = value;
    }

    private readonly TaskCompletionSource _readHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, reads of a run's steps wait for this gate (a slow read of a long history).</summary>
    public Gate? HoldStepReads { get; set; }

    /// <summary>Step commits for which this returns true fail with a transient <see cref="StorageException"/>.</summary>
    public Func<CommitStepCommand, bool> RefuseCommit { get; set; } = _ => false;

    /// <summary>Event ingests for which this returns true fail with a transient <see cref="StorageException"/>.</summary>
    public Func<IngestCommand, bool> RefuseIngest { get; set; } = _ => false;

    public string ProviderName => inner.ProviderName;

    /// <summary>Completes with the fence result of the next commit of <paramref name="stepId"/>. Call it before the commit can happen.</summary>
    public Task<FenceResult> NextCommitOfAsync(string stepId)
        => _commitWatches.GetOrAdd(stepId, _ => new TaskCompletionSource<FenceResult>(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(StepJournal.Guard);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public IStoreWriter OpenWriter() => new Writer(this, inner.OpenWriter());

    public Task WatchForWorkAsync(Action wake, CancellationToken cancellationToken) => inner.WatchForWorkAsync(wake, cancellationToken);

    public Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

    /// <summary>Completes once a read of steps is held by <see cref="HoldStepReads"/>.</summary>
    public Task StepReadHeldAsync() => _readHeld.Task.WaitAsync(StepJournal.Guard);

    public async Task<IReadOnlyList<StepInfo>> GetStepsAsync(string runId, bool includeAttempts, CancellationToken cancellationToken)
    {
        if (HoldStepReads is { } gate)
        {
            _readHeld.TrySetResult();
            await gate.WaitAsync();
        }

        return await inner.GetStepsAsync(runId, includeAttempts, cancellationToken);
    }

    public Task<Page<RunInfo>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) => inner.ListRunsAsync(query, cancellationToken);

    public Task<Page<EventInfo>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken) => inner.ListEventsAsync(query, cancellationToken);

    public Task<IReadOnlyList<PendingFlowInfo>> ListPendingFlowAsync(string? functionId, CancellationToken cancellationToken) => inner.ListPendingFlowAsync(functionId, cancellationToken);

    public Task<IReadOnlyList<RunStatsBucket>> GetRunStatsAsync(RunStatsQuery query, CancellationToken cancellationToken) => inner.GetRunStatsAsync(query, cancellationToken);

    public Task<ChangePage> ReadChangesAsync(ChangeCursor? after, int limit, CancellationToken cancellationToken) => inner.ReadChangesAsync(after, limit, cancellationToken);

    public Task<int> PruneChangesAsync(int keep, CancellationToken cancellationToken) => inner.PruneChangesAsync(keep, cancellationToken);

    public Task<LeaderLease> AcquireLeaseAsync(AcquireLeaseCommand command, CancellationToken cancellationToken)
        => Partitioned ? Task.FromException<LeaderLease>(Unreachable()) : inner.AcquireLeaseAsync(command, cancellationToken);

    public Task<bool> RenewLeaseAsync(RenewLeaseCommand command, CancellationToken cancellationToken)
        => Partitioned ? Task.FromException<bool>(Unreachable()) : inner.RenewLeaseAsync(command, cancellationToken);

    public Task<bool> ReleaseLeaseAsync(ReleaseLeaseCommand command, CancellationToken cancellationToken)
        => Partitioned ? Task.FromException<bool>(Unreachable()) : inner.ReleaseLeaseAsync(command, cancellationToken);

    public Task<LeaderLease?> GetLeaseAsync(string name, CancellationToken cancellationToken) => inner.GetLeaseAsync(name, cancellationToken);

    public Task<DateTimeOffset?> GetLastCronTickAsync(string schedule, CancellationToken cancellationToken) => inner.GetLastCronTickAsync(schedule, cancellationToken);

    public Task<PruneResult> PruneAsync(PruneCommand command, CancellationToken cancellationToken) => inner.PruneAsync(command, cancellationToken);

    public Task<bool> PauseFunctionAsync(PauseFunctionCommand command, CancellationToken cancellationToken) => inner.PauseFunctionAsync(command, cancellationToken);

    public Task<DateTimeOffset?> ResumeFunctionAsync(string functionId, CancellationToken cancellationToken) => inner.ResumeFunctionAsync(functionId, cancellationToken);

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetPausedFunctionsAsync(CancellationToken cancellationToken) => inner.GetPausedFunctionsAsync(cancellationToken);

    public Task<IReadOnlyList<RunLogLine>> GetRunLogsAsync(RunLogQuery query, CancellationToken cancellationToken) => inner.GetRunLogsAsync(query, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static StorageException Unreachable() => new("injected fault: the database cannot be reached (partitioned)", isTransient: true);

    private void Committed(CommitStepCommand command, FenceResult result)
    {
        if (_commitWatches.TryRemove(command.Step.StepId, out var watch))
        {
            watch.TrySetResult(result);
        }
    }

    private sealed class Writer(FaultInjectingStore store, IStoreWriter inner) : IStoreWriter
    {
        public ValueTask BeginAsync(CancellationToken cancellationToken) => inner.BeginAsync(cancellationToken);

        public ValueTask CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

        public ValueTask RollbackAsync(CancellationToken cancellationToken) => inner.RollbackAsync(cancellationToken);

        public ValueTask<IngestResult> IngestEventsAsync(IngestCommand command, CancellationToken cancellationToken)
            => store.RefuseIngest(command)
                ? ValueTask.FromException<IngestResult>(new StorageException("injected fault: the database refused the ingest", isTransient: true))
                : inner.IngestEventsAsync(command, cancellationToken);

        public ValueTask<ClaimResult> ClaimDueRunsAsync(ClaimCommand command, CancellationToken cancellationToken)
            => store.Partitioned ? ValueTask.FromResult(new ClaimResult([], null)) : inner.ClaimDueRunsAsync(command, cancellationToken);

        public async ValueTask<FenceResult> CommitStepAsync(CommitStepCommand command, CancellationToken cancellationToken)
        {
            if (store.RefuseCommit(command))
            {
                // Lasting (not transient): the writer would retry a transient refusal with a real-time backoff of seconds.
                throw new StorageException($"injected fault: the database refused the commit of step {command.Step.StepId}", isTransient: false);
            }

            var result = await inner.CommitStepAsync(command, cancellationToken);
            store.Committed(command, result);
            return result;
        }

        public ValueTask<FenceResult> SuspendRunAsync(SuspendRunCommand command, CancellationToken cancellationToken) => inner.SuspendRunAsync(command, cancellationToken);

        public ValueTask<FenceResult> FinishRunAsync(FinishRunCommand command, CancellationToken cancellationToken) => inner.FinishRunAsync(command, cancellationToken);

        public ValueTask<int> HeartbeatAsync(HeartbeatCommand command, CancellationToken cancellationToken)
            => store.Partitioned ? ValueTask.FromResult(0) : inner.HeartbeatAsync(command, cancellationToken);

        public ValueTask<FenceResult> SaveProgressAsync(ProgressCommand command, CancellationToken cancellationToken) => inner.SaveProgressAsync(command, cancellationToken);

        public ValueTask<CancelResult> CancelRunAsync(CancelCommand command, CancellationToken cancellationToken) => inner.CancelRunAsync(command, cancellationToken);

        public bool IsTransient(Exception error) => inner.IsTransient(error);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

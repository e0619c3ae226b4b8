using System.Diagnostics;
using Baton.Storage;

namespace Baton.Bench.Profiling;

/// <summary>Passes every call to the real store; times the writer's calls into a <see cref="StoreProfile"/>.</summary>
internal sealed class ProfiledStore(IBatonStore inner, StoreProfile profile) : IBatonStore
{
    public string ProviderName => inner.ProviderName;

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public IStoreWriter OpenWriter() => new ProfiledWriter(inner.OpenWriter(), profile);

    public Task WatchForWorkAsync(Action wake, CancellationToken cancellationToken) => inner.WatchForWorkAsync(wake, cancellationToken);

    public Task<LeaderLease> AcquireLeaseAsync(AcquireLeaseCommand command, CancellationToken cancellationToken) => inner.AcquireLeaseAsync(command, cancellationToken);

    public Task<bool> RenewLeaseAsync(RenewLeaseCommand command, CancellationToken cancellationToken) => inner.RenewLeaseAsync(command, cancellationToken);

    public Task<bool> ReleaseLeaseAsync(ReleaseLeaseCommand command, CancellationToken cancellationToken) => inner.ReleaseLeaseAsync(command, cancellationToken);

    public Task<LeaderLease?> GetLeaseAsync(string name, CancellationToken cancellationToken) => inner.GetLeaseAsync(name, cancellationToken);

    public Task<DateTimeOffset?> GetLastCronTickAsync(string schedule, CancellationToken cancellationToken) => inner.GetLastCronTickAsync(schedule, cancellationToken);

    public Task<PruneResult> PruneAsync(PruneCommand command, CancellationToken cancellationToken) => inner.PruneAsync(command, cancellationToken);

    public Task<bool> PauseFunctionAsync(PauseFunctionCommand command, CancellationToken cancellationToken) => inner.PauseFunctionAsync(command, cancellationToken);

    public Task<DateTimeOffset?> ResumeFunctionAsync(string functionId, CancellationToken cancellationToken) => inner.ResumeFunctionAsync(functionId, cancellationToken);

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetPausedFunctionsAsync(CancellationToken cancellationToken) => inner.GetPausedFunctionsAsync(cancellationToken);

    public Task<IReadOnlyList<RunLogLine>> GetRunLogsAsync(RunLogQuery query, CancellationToken cancellationToken) => inner.GetRunLogsAsync(query, cancellationToken);

    public Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<StepInfo>> GetStepsAsync(string runId, bool includeAttempts, CancellationToken cancellationToken)
        => inner.GetStepsAsync(runId, includeAttempts, cancellationToken);

    public Task<Page<RunInfo>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) => inner.ListRunsAsync(query, cancellationToken);

    public Task<Page<EventInfo>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken) => inner.ListEventsAsync(query, cancellationToken);

    public Task<IReadOnlyList<PendingFlowInfo>> ListPendingFlowAsync(string? functionId, CancellationToken cancellationToken) => inner.ListPendingFlowAsync(functionId, cancellationToken);

    public Task<IReadOnlyList<RunStatsBucket>> GetRunStatsAsync(RunStatsQuery query, CancellationToken cancellationToken) => inner.GetRunStatsAsync(query, cancellationToken);

    public Task<ChangePage> ReadChangesAsync(ChangeCursor? after, int limit, CancellationToken cancellationToken) => inner.ReadChangesAsync(after, limit, cancellationToken);

    public Task<int> PruneChangesAsync(int keep, CancellationToken cancellationToken) => inner.PruneChangesAsync(keep, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>
    /// Pipelined when the real writer is (the commands of a batch applied together, timed as one
    /// <see cref="StoreCall.Together"/>); otherwise it applies them one after another, as the writer loop would.
    /// </summary>
    private sealed class ProfiledWriter(IStoreWriter inner, StoreProfile profile) : IPipelinedStoreWriter
    {
        public async ValueTask ApplyTogetherAsync(IReadOnlyList<Func<ValueTask>> commands, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            if (inner is IPipelinedStoreWriter pipelined)
            {
                profile.Pipelined = true;
                await pipelined.ApplyTogetherAsync(commands, cancellationToken);
            }
            else
            {
                foreach (var command in commands)
                {
                    await command();
                }
            }

            profile.Record(StoreCall.Together, started);
        }

        public async ValueTask BeginAsync(CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.BeginAsync(cancellationToken);
            profile.Record(StoreCall.Begin, started);
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.CommitAsync(cancellationToken);
            profile.Record(StoreCall.Commit, started);
        }

        public async ValueTask RollbackAsync(CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.RollbackAsync(cancellationToken);
            profile.Record(StoreCall.Rollback, started);
        }

        public async ValueTask<IngestResult> IngestEventsAsync(IngestCommand command, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.IngestEventsAsync(command with { Planner = new ProfiledPlanner(command.Planner, profile) }, cancellationToken);
            profile.Record(StoreCall.Ingest, started);
            profile.Ingested(command.Events.Count);
            return result;
        }

        public async ValueTask<ClaimResult> ClaimDueRunsAsync(ClaimCommand command, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.ClaimDueRunsAsync(command, cancellationToken);
            profile.Record(StoreCall.Claim, started);
            profile.Claimed(result.Runs.Count);
            return result;
        }

        public async ValueTask<FenceResult> CommitStepAsync(CommitStepCommand command, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.CommitStepAsync(command, cancellationToken);
            profile.Record(StoreCall.CommitStep, started);
            return result;
        }

        public async ValueTask<FenceResult> SuspendRunAsync(SuspendRunCommand command, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.SuspendRunAsync(command, cancellationToken);
            profile.Record(StoreCall.Suspend, started);
            return result;
        }

        public async ValueTask<FenceResult> FinishRunAsync(FinishRunCommand command, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.FinishRunAsync(command, cancellationToken);
            profile.Record(StoreCall.Finish, started);
            return result;
        }

        public async ValueTask<int> HeartbeatAsync(HeartbeatCommand command, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.HeartbeatAsync(command, cancellationToken);
            profile.Record(StoreCall.Heartbeat, started);
            return result;
        }

        public async ValueTask<FenceResult> SaveProgressAsync(ProgressCommand command, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.SaveProgressAsync(command, cancellationToken);
            profile.Record(StoreCall.Progress, started);
            return result;
        }

        public async ValueTask<CancelResult> CancelRunAsync(CancelCommand command, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.CancelRunAsync(command, cancellationToken);
            profile.Record(StoreCall.Cancel, started);
            return result;
        }

        public bool IsTransient(Exception error) => inner.IsTransient(error);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>Times the engine's routing decisions, which the provider calls inside the ingest transaction.</summary>
    private sealed class ProfiledPlanner(IIngestPlanner inner, StoreProfile profile) : IIngestPlanner
    {
        public bool ReadsPauses(IReadOnlyList<EventRecord> newEvents) => inner.ReadsPauses(newEvents);

        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now, IReadOnlySet<string> pausedFunctions)
        {
            var started = Stopwatch.GetTimestamp();
            var plan = inner.Plan(newEvents, waits, now, pausedFunctions);
            profile.Record(StoreCall.IngestPlan, started);
            return plan;
        }

        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
        {
            var started = Stopwatch.GetTimestamp();
            var plan = inner.Plan(newEvents, waits, now);
            profile.Record(StoreCall.IngestPlan, started);
            return plan;
        }
    }
}

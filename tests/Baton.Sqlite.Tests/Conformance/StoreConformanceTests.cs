using System.Text.Json;
using Baton.Storage;

namespace Baton.Sqlite.Tests.Conformance;

/// <summary>
/// The storage contract's conformance suite: what every provider must do atomically, checked directly against
/// <see cref="IBatonStore"/> and <see cref="IStoreWriter"/> on a real database. A provider's test project derives
/// a class that creates an isolated store (its own database or schema) for each test. Only the public storage
/// contract is used here, so any provider's test project can compile this file.
/// </summary>
public abstract partial class StoreConformanceTests : IAsyncLifetime
{
    /// <summary>The clock of every test: times are passed to the store explicitly.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Lease length used by claims.</summary>
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan DedupeWindow = TimeSpan.FromHours(24);

    private IBatonStore? _store;
    private IStoreWriter? _writer;

    /// <summary>The store under test, initialized.</summary>
    protected IBatonStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync");

    /// <summary>The store's writer.</summary>
    protected IStoreWriter Writer => _writer ?? throw new InvalidOperationException("The writer is opened in InitializeAsync");

    public async Task InitializeAsync()
    {
        _store = await CreateIsolatedStoreAsync();
        await _store.InitializeAsync(CancellationToken.None);
        _writer = _store.OpenWriter();
    }

    public async Task DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
            await DeleteIsolatedStoreAsync(_store);
        }
    }

    [Fact]
    public async Task ClaimDueRuns_DueAndFutureRuns_ClaimsOnlyDueRunsOldestFirstUpToLimit()
    {
        // Ids sort opposite to due times, and rows are inserted out of due order.
        await CreateRunAsync("run-d", T0.AddSeconds(10));
        await CreateRunAsync("run-c", T0.AddSeconds(2));
        await CreateRunAsync("run-b", T0.AddSeconds(3));
        await CreateRunAsync("run-a", T0.AddSeconds(1));

        var first = await ClaimAsync("worker", T0.AddSeconds(5), limit: 2);
        var second = await ClaimAsync("worker", T0.AddSeconds(5), limit: 10);

        Assert.Equal(["run-a", "run-c"], first.Runs.Select(r => r.RunId).Order(StringComparer.Ordinal));
        Assert.Equal(["run-b"], second.Runs.Select(r => r.RunId));
        Assert.Equal(RunStatus.Queued, (await Store.GetRunAsync("run-d", CancellationToken.None))!.Status);
        Assert.Equal(RunStatus.Running, (await Store.GetRunAsync("run-a", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task ClaimDueRuns_RunLeasedByAnotherWorker_ClaimableOnlyOnceLeaseExpires()
    {
        await CreateRunAsync("run-1", T0);
        await ClaimOneAsync("worker-a", "run-1", T0);

        var beforeExpiry = await ClaimAsync("worker-b", T0 + Lease - TimeSpan.FromMilliseconds(1));
        var atExpiry = await ClaimAsync("worker-b", T0 + Lease);

        Assert.Empty(beforeExpiry.Runs);
        Assert.Equal("run-1", Assert.Single(atExpiry.Runs).RunId);
    }

    [Fact]
    public async Task ClaimDueRuns_RunClaimedAgainAfterEachExpiry_FencingTokenIncreases()
    {
        await CreateRunAsync("run-1", T0);

        var tokens = new List<long>();
        var now = T0;
        foreach (var owner in new[] { "worker-a", "worker-b", "worker-b", "worker-a" })
        {
            tokens.Add((await ClaimOneAsync(owner, "run-1", now)).Token);
            now += Lease;
        }

        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public async Task ClaimDueRuns_ClaimedRun_ReportsRecordedStepsAndClaimCount()
    {
        await CreateRunAsync("run-1", T0);
        var lease = await ClaimOneAsync("worker-a", "run-1", T0);
        Assert.Equal(FenceResult.Applied, await CommitStepAsync(lease, Completed("a", 0, "1")));
        Assert.Equal(FenceResult.Applied, await CommitStepAsync(lease, Completed("b", 1, "2")));

        var reclaimed = Assert.Single((await ClaimAsync("worker-b", T0 + Lease)).Runs);

        Assert.Equal(2, (await Store.GetRunAsync("run-1", CancellationToken.None))!.StepCount);
        Assert.Equal(2, reclaimed.Claims);
        Assert.Equal(T0, reclaimed.StartedAt);
        Assert.Equal(["a", "b"], (await Store.GetStepsAsync("run-1", includeAttempts: false, CancellationToken.None)).Select(s => s.Id));
    }

    [Fact]
    public async Task GetStepsOfRuns_SeveralRuns_ReturnsEachRunsStepsInOrder()
    {
        await CreateRunAsync("run-1", T0);
        var one = await ClaimOneAsync("worker-a", "run-1", T0);
        await CreateRunAsync("run-2", T0);
        var two = await ClaimOneAsync("worker-a", "run-2", T0);
        await CreateRunAsync("run-3", T0);
        await CommitStepAsync(one, Completed("b", 1, "2"));
        await CommitStepAsync(one, Completed("a", 0, "1"));
        await CommitStepAsync(two, Completed("x", 0, "\"x\""));

        var steps = await Store.GetStepsOfRunsAsync(["run-1", "run-2", "run-3", "missing"], CancellationToken.None);

        Assert.Equal(["a", "b"], steps["run-1"].Select(s => s.Id));
        Assert.Equal(["1", "2"], steps["run-1"].Select(s => s.Output));
        Assert.Equal("\"x\"", Assert.Single(steps["run-2"]).Output);
        Assert.Empty(steps["run-3"]);
        Assert.Empty(steps["missing"]);
    }

    [Fact]
    public async Task ClaimDueRuns_WorkLeftInStore_NextDueAtIsEarliestRunNotHeldByClaimant()
    {
        await CreateRunAsync("run-now", T0);
        await CreateRunAsync("run-later", T0.AddMinutes(5));

        var byA = await ClaimAsync("worker-a", T0);
        var byB = await ClaimAsync("worker-b", T0.AddSeconds(1));

        Assert.Equal("run-now", Assert.Single(byA.Runs).RunId);

        // A's own lease is not work for A; B can rescue it when it expires, which is before run-later is due.
        Assert.Equal(T0.AddMinutes(5), byA.NextDueAt);
        Assert.Empty(byB.Runs);
        Assert.Equal(T0 + Lease, byB.NextDueAt);
    }

    [Fact]
    public async Task ClaimDueRuns_EmptyStore_NothingClaimedAndNoNextDueAt()
    {
        var claim = await ClaimAsync("worker-a", T0);

        Assert.Empty(claim.Runs);
        Assert.Null(claim.NextDueAt);
    }

    [Fact]
    public async Task CommitStep_StaleLease_LeaseLostAndNothingWritten()
    {
        var (stale, current) = await LeaseTakenOverAsync();

        var result = await CommitStepAsync(stale, Completed("a", 0, "\"stale\""));

        Assert.Equal(FenceResult.LeaseLost, result);
        Assert.Empty(await Store.GetStepsAsync("run-1", includeAttempts: true, CancellationToken.None));
        Assert.Equal(0, (await Store.GetRunAsync("run-1", CancellationToken.None))!.StepCount);
        Assert.Equal(FenceResult.Applied, await CommitStepAsync(current, Completed("a", 0, "\"current\"")));
    }

    [Fact]
    public async Task CommitStep_StaleLeaseWithFailedAttempt_LeaseLostAndNoAttemptRecorded()
    {
        var (stale, _) = await LeaseTakenOverAsync();
        var error = new ErrorInfo("System.TimeoutException", "upstream timed out");

        var result = await InTransactionAsync(w => w.CommitStepAsync(
            new CommitStepCommand
            {
                Lease = stale,
                Step = new StepWrite { StepId = "a", Name = "a", Position = 0, Kind = StepKind.Run, Status = StepStatus.Retrying, Attempts = 1, Error = error, WakeAt = T0.AddMinutes(2) },
                FailedAttempt = new StepAttempt(1, T0, T0.AddSeconds(1), error),
                Now = T0.AddMinutes(1),
            },
            CancellationToken.None));

        Assert.Equal(FenceResult.LeaseLost, result);
        Assert.Empty(await Store.GetStepsAsync("run-1", includeAttempts: true, CancellationToken.None));
    }

    [Fact]
    public async Task SuspendRun_StaleLease_LeaseLostAndRunStillHeldByNewOwner()
    {
        var (stale, _) = await LeaseTakenOverAsync();
        var before = await Store.GetRunAsync("run-1", CancellationToken.None);

        var result = await InTransactionAsync(w => w.SuspendRunAsync(
            new SuspendRunCommand(stale, RunStatus.Sleeping, T0.AddHours(1), 0, null, null, T0 + Lease), CancellationToken.None));

        Assert.Equal(FenceResult.LeaseLost, result);
        Assert.Equal(RunStatus.Running, before!.Status);
        Assert.Equal(Comparable(before), Comparable(await Store.GetRunAsync("run-1", CancellationToken.None)));
    }

    [Fact]
    public async Task FinishRun_StaleLease_LeaseLostAndRunNotFinished()
    {
        var (stale, _) = await LeaseTakenOverAsync();
        var before = await Store.GetRunAsync("run-1", CancellationToken.None);

        var result = await InTransactionAsync(w => w.FinishRunAsync(
            new FinishRunCommand { Lease = stale, Status = RunStatus.Completed, OutputJson = "\"stale\"", Now = T0 + Lease },
            CancellationToken.None));

        Assert.Equal(FenceResult.LeaseLost, result);
        Assert.Equal(Comparable(before), Comparable(await Store.GetRunAsync("run-1", CancellationToken.None)));
    }

    [Fact]
    public async Task SaveProgress_StaleLease_LeaseLostAndProgressUnchanged()
    {
        var (stale, _) = await LeaseTakenOverAsync();

        var result = await InTransactionAsync(w => w.SaveProgressAsync(
            new ProgressCommand(stale, new RunProgress(5, 10, "stale", T0 + Lease)), CancellationToken.None));

        Assert.Equal(FenceResult.LeaseLost, result);
        Assert.Null((await Store.GetRunAsync("run-1", CancellationToken.None))!.Progress);
    }

    [Fact]
    public async Task CommitStep_LeaseAlreadyReleasedBySuspend_LeaseLost()
    {
        await CreateRunAsync("run-1", T0);
        var lease = await ClaimOneAsync("worker-a", "run-1", T0);
        Assert.Equal(FenceResult.Applied, await InTransactionAsync(w => w.SuspendRunAsync(
            new SuspendRunCommand(lease, RunStatus.Queued, T0, 0, null, null, T0), CancellationToken.None)));

        Assert.Equal(FenceResult.LeaseLost, await CommitStepAsync(lease, Completed("a", 0, "1")));
        Assert.Equal(FenceResult.LeaseLost, await InTransactionAsync(w => w.FinishRunAsync(
            new FinishRunCommand { Lease = lease, Status = RunStatus.Completed, Now = T0 }, CancellationToken.None)));
        Assert.Equal(RunStatus.Queued, (await Store.GetRunAsync("run-1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task CancelRun_RunHeldByWorker_CancelledAndHolderIsFencedOut()
    {
        await CreateRunAsync("run-1", T0);
        var lease = await ClaimOneAsync("worker-a", "run-1", T0);

        var cancelled = await InTransactionAsync(w => w.CancelRunAsync(new CancelCommand("run-1", "not needed", T0.AddSeconds(1)), CancellationToken.None));
        var again = await InTransactionAsync(w => w.CancelRunAsync(new CancelCommand("run-1", "twice", T0.AddSeconds(2)), CancellationToken.None));
        var unknown = await InTransactionAsync(w => w.CancelRunAsync(new CancelCommand("run-x", "unknown", T0.AddSeconds(2)), CancellationToken.None));

        Assert.Equal(CancelResult.Cancelled, cancelled);
        Assert.Equal(CancelResult.AlreadyFinished, again);
        Assert.Equal(CancelResult.NotFound, unknown);
        Assert.Equal(FenceResult.LeaseLost, await CommitStepAsync(lease, Completed("a", 0, "1")));
        var run = await Store.GetRunAsync("run-1", CancellationToken.None);
        Assert.Equal(RunStatus.Cancelled, run!.Status);
        Assert.Equal("not needed", run.CancelReason);
        Assert.Empty((await ClaimAsync("worker-b", T0 + Lease + Lease)).Runs);
    }

    [Fact]
    public async Task CommitStep_CompletedStepWrittenAgain_FirstResultKept()
    {
        await CreateRunAsync("run-1", T0);
        var first = await ClaimOneAsync("worker-a", "run-1", T0);
        Assert.Equal(FenceResult.Applied, await CommitStepAsync(first, Completed("a", 0, "\"first\"")));

        // The same holder, then a later holder (which replayed and re-ran the step), write the step again.
        await CommitStepAsync(first, Completed("a", 0, "\"again\"") with { Attempts = 2 });
        var second = await ClaimOneAsync("worker-b", "run-1", T0 + Lease);
        await CommitStepAsync(second, Completed("a", 0, "\"second\"") with { Status = StepStatus.Retrying, Attempts = 3 });

        var step = Assert.Single(await Store.GetStepsAsync("run-1", includeAttempts: true, CancellationToken.None));
        Assert.Equal(StepStatus.Completed, step.Status);
        Assert.Equal("\"first\"", step.Output);
        Assert.Equal(1, step.Attempts);
    }

    [Fact]
    public async Task IngestEvents_SameIdWithinDedupeWindow_StoredAndRoutedOnce()
    {
        var first = await IngestAsync("event-1", T0);
        var second = await IngestAsync("event-1", T0 + DedupeWindow - TimeSpan.FromSeconds(1));

        Assert.Equal(["event-1"], first.NewEventIds);
        Assert.Single(first.RunsCreated);
        Assert.Empty(second.NewEventIds);
        Assert.Empty(second.RunsCreated);
        Assert.Single((await Store.ListEventsAsync(new EventQuery(), CancellationToken.None)).Items);
        Assert.Single((await Store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task IngestEvents_SameIdInOneBatch_StoredOnce()
    {
        var result = await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("event-1", T0), Event("event-1", T0)], new RunPerEvent(), T0, DedupeWindow), CancellationToken.None));

        Assert.Equal(["event-1"], result.NewEventIds);
        Assert.Single(result.RunsCreated);
    }

    [Fact]
    public async Task IngestEvents_SameIdAfterDedupeWindow_ProcessedAgain()
    {
        await IngestAsync("event-1", T0);
        var later = await IngestAsync("event-1", T0 + DedupeWindow + TimeSpan.FromSeconds(1));

        Assert.Equal(["event-1"], later.NewEventIds);
        Assert.Single(later.RunsCreated);
        Assert.Equal(2, (await Store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task Heartbeat_LeaseStillHeld_ExtendsItsExpiry()
    {
        await CreateRunAsync("run-1", T0);
        var lease = await ClaimOneAsync("worker-a", "run-1", T0);

        var extended = await InTransactionAsync(w => w.HeartbeatAsync(new HeartbeatCommand([lease], T0.AddSeconds(20) + Lease), CancellationToken.None));

        Assert.Equal(1, extended);
        Assert.Empty((await ClaimAsync("worker-b", T0 + Lease)).Runs);
        Assert.Single((await ClaimAsync("worker-b", T0.AddSeconds(20) + Lease)).Runs);
    }

    [Fact]
    public async Task Heartbeat_SomeLeasesNotListedOrLost_ExtendsOnlyListedLeasesStillHeld()
    {
        await CreateRunAsync("run-kept", T0);
        await CreateRunAsync("run-given-up", T0);
        await CreateRunAsync("run-taken", T0);
        var held = (await ClaimAsync("worker-a", T0)).Runs.ToDictionary(r => r.RunId, r => new LeaseRef(r.RunId, "worker-a", r.Token));
        Assert.Equal(3, held.Count);

        // worker-a gave up run-given-up and run-taken (it no longer lists them); their leases run out.
        var first = await InTransactionAsync(w => w.HeartbeatAsync(new HeartbeatCommand([held["run-kept"]], T0.AddSeconds(10) + Lease), CancellationToken.None));
        var rescued = await ClaimAsync("worker-b", T0 + Lease);

        // A heartbeat with a lease worker-b has taken since does not touch it.
        var second = await InTransactionAsync(w => w.HeartbeatAsync(
            new HeartbeatCommand([held["run-kept"], held["run-taken"]], T0.AddSeconds(20) + Lease), CancellationToken.None));

        Assert.Equal(1, first);
        Assert.Equal(["run-given-up", "run-taken"], rescued.Runs.Select(r => r.RunId).Order(StringComparer.Ordinal));
        Assert.Equal(1, second);
        Assert.Equal(T0.AddSeconds(20) + Lease, (await Store.GetRunAsync("run-kept", CancellationToken.None))!.DueAt);
        Assert.Equal(T0 + Lease + Lease, (await Store.GetRunAsync("run-taken", CancellationToken.None))!.DueAt);
    }

    [Fact]
    public async Task SuspendRun_WithWakeTime_ClaimableFromWakeTimeOn()
    {
        await CreateRunAsync("run-1", T0);
        var lease = await ClaimOneAsync("worker-a", "run-1", T0);
        var wakeAt = T0.AddHours(1);

        Assert.Equal(FenceResult.Applied, await InTransactionAsync(w => w.SuspendRunAsync(
            new SuspendRunCommand(lease, RunStatus.Sleeping, wakeAt, 0, null, null, T0), CancellationToken.None)));

        var run = await Store.GetRunAsync("run-1", CancellationToken.None);
        Assert.Equal(RunStatus.Sleeping, run!.Status);
        Assert.Equal(wakeAt, run.DueAt);
        Assert.Empty((await ClaimAsync("worker-b", wakeAt - TimeSpan.FromMilliseconds(1))).Runs);
        Assert.Single((await ClaimAsync("worker-b", wakeAt)).Runs);
    }

    [Fact]
    public async Task Rollback_EventsIngestedInTransaction_NothingStored()
    {
        await Writer.BeginAsync(CancellationToken.None);
        await Writer.IngestEventsAsync(new IngestCommand([Event("event-1", T0)], new RunPerEvent(), T0, DedupeWindow), CancellationToken.None);
        await Writer.RollbackAsync(CancellationToken.None);

        Assert.Empty((await Store.ListEventsAsync(new EventQuery(), CancellationToken.None)).Items);
        Assert.Empty((await Store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Items);
    }

    /// <summary>Creates a store no other test uses (a new file, database or schema).</summary>
    protected abstract Task<IBatonStore> CreateIsolatedStoreAsync();

    /// <summary>Removes what <see cref="CreateIsolatedStoreAsync"/> created; called after the store is disposed.</summary>
    protected virtual Task DeleteIsolatedStoreAsync(IBatonStore store) => Task.CompletedTask;

    /// <summary>Runs <paramref name="action"/> in its own transaction, as the group-commit loop does.</summary>
    protected async Task<T> InTransactionAsync<T>(Func<IStoreWriter, ValueTask<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        await Writer.BeginAsync(CancellationToken.None);
        try
        {
            var result = await action(Writer);
            await Writer.CommitAsync(CancellationToken.None);
            return result;
        }
        catch
        {
            await Writer.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>A run's fields as a value (its trigger events are compared by id).</summary>
    private static object? Comparable(RunInfo? run)
        => run is null ? null : (run with { Events = [] }, string.Join(',', run.Events.Select(e => e.Id)));

    private static EventRecord Event(string id, DateTimeOffset now) => new(id, "conformance/happened", "{\"n\":1}", now);

    private Task<IngestResult> IngestAsync(string eventId, DateTimeOffset now)
        => InTransactionAsync(w => w.IngestEventsAsync(new IngestCommand([Event(eventId, now)], new RunPerEvent(), now, DedupeWindow), CancellationToken.None));

    /// <summary>Creates a run due at <paramref name="now"/> (the event <c>event-{runId}</c> starts it).</summary>
    private async Task CreateRunAsync(string runId, DateTimeOffset now)
    {
        var result = await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("event-" + runId, now)], new RunPerEvent(_ => runId), now, DedupeWindow), CancellationToken.None));
        Assert.Equal(runId, Assert.Single(result.RunsCreated).RunId);
    }

    private Task<ClaimResult> ClaimAsync(string owner, DateTimeOffset now, int limit = 10)
        => InTransactionAsync(w => w.ClaimDueRunsAsync(new ClaimCommand(owner, now, now + Lease, limit), CancellationToken.None));

    private async Task<LeaseRef> ClaimOneAsync(string owner, string runId, DateTimeOffset now)
    {
        var claimed = Assert.Single((await ClaimAsync(owner, now)).Runs);
        Assert.Equal(runId, claimed.RunId);
        return new LeaseRef(runId, owner, claimed.Token);
    }

    /// <summary>run-1 claimed by worker-a, whose lease expired and was taken by worker-b.</summary>
    private async Task<(LeaseRef Stale, LeaseRef Current)> LeaseTakenOverAsync()
    {
        await CreateRunAsync("run-1", T0);
        var stale = await ClaimOneAsync("worker-a", "run-1", T0);
        var current = await ClaimOneAsync("worker-b", "run-1", T0 + Lease);
        return (stale, current);
    }

    private static StepWrite Completed(string stepId, int position, string outputJson) => new()
    {
        StepId = stepId,
        Name = stepId,
        Position = position,
        Kind = StepKind.Run,
        Status = StepStatus.Completed,
        Attempts = 1,
        StartedAt = T0,
        FinishedAt = T0,
        OutputJson = outputJson,
    };

    private Task<FenceResult> CommitStepAsync(LeaseRef lease, StepWrite step)
        => InTransactionAsync(w => w.CommitStepAsync(new CommitStepCommand { Lease = lease, Step = step, Now = T0 }, CancellationToken.None));

    /// <summary>A planner that starts one run per new event (holding an idempotency key when given).</summary>
    private sealed class RunPerEvent(Func<EventRecord, string>? runId = null, string? idempotencyKey = null, DateTimeOffset? keyUntil = null) : IIngestPlanner
    {
        private int _created;

        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
        {
            var plan = new IngestPlan();
            foreach (var e in newEvents)
            {
                using var data = JsonDocument.Parse(e.DataJson);
                var trigger = JsonSerializer.Serialize(new[] { new BatonEvent(e.Id, e.Name, data.RootElement.Clone(), e.Timestamp) });
                plan.Runs.Add(new NewRun
                {
                    RunId = runId?.Invoke(e) ?? $"run-{e.Id}-{now.ToUnixTimeMilliseconds()}-{++_created}",
                    FunctionId = "conformance/function",
                    TriggerJson = trigger,
                    EventId = e.Id,
                    IdempotencyKey = idempotencyKey,
                    IdempotencyUntil = keyUntil,
                });
            }

            return plan;
        }
    }
}

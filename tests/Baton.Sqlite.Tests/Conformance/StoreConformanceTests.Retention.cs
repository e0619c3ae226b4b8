using System.Text.Json;
using Baton.Storage;

namespace Baton.Sqlite.Tests.Conformance;

/// <summary>Retention: what one prune batch deletes, and what it must never delete.</summary>
public abstract partial class StoreConformanceTests
{
    private static readonly DateTimeOffset Cutoff = T0.AddDays(1);

    [Fact]
    public async Task Prune_RunsOfEveryState_DeletesOnlyRunsFinishedBeforeCutoff()
    {
        // Finished long ago, in each way a run can finish, with a step and a failed attempt each.
        foreach (var (runId, status) in new[] { ("old-completed", RunStatus.Completed), ("old-failed", RunStatus.Failed) })
        {
            var lease = await StartWithStepAsync(runId, T0);
            await FinishAsync(lease, status, T0.AddMinutes(1));
        }

        await StartWithStepAsync("old-cancelled", T0);
        await InTransactionAsync(w => w.CancelRunAsync(new CancelCommand("old-cancelled", "not needed", T0.AddMinutes(1)), CancellationToken.None));

        // Created long ago too, but not finished before the cutoff, or not finished at all.
        var late = await StartWithStepAsync("finished-after-cutoff", T0);
        await FinishAsync(late, RunStatus.Completed, Cutoff.AddSeconds(1));
        await StartWithStepAsync("running", T0);
        var sleeping = await StartWithStepAsync("sleeping", T0);
        await SuspendAsync(sleeping, RunStatus.Sleeping, T0.AddDays(30));
        var waiting = await StartWithStepAsync("waiting", T0);
        await WaitForApprovalAsync(waiting);
        await CreateRunAsync("queued", T0);

        var result = await PruneAsync(new PruneCommand(Cutoff, null, 100, null));

        Assert.Equal(new PruneResult(3, 0, 0), result);
        var left = (await Store.ListRunsAsync(new RunQuery { Limit = 100 }, CancellationToken.None)).Items.Select(r => r.Id).Order(StringComparer.Ordinal);
        Assert.Equal(["finished-after-cutoff", "queued", "running", "sleeping", "waiting"], left);
        foreach (var pruned in new[] { "old-completed", "old-failed", "old-cancelled" })
        {
            Assert.Null(await Store.GetRunAsync(pruned, CancellationToken.None));
            Assert.Empty(await Store.GetStepsAsync(pruned, includeAttempts: true, CancellationToken.None));
        }

        foreach (var kept in new[] { "finished-after-cutoff", "running", "sleeping", "waiting" })
        {
            var step = Assert.Single(await Store.GetStepsAsync(kept, includeAttempts: true, CancellationToken.None), s => s.Id == "fetch");
            Assert.Single(step.FailedAttempts);
        }
    }

    [Fact]
    public async Task Prune_WaitingRunOlderThanCutoff_KeptAndStillWokenByItsEvent()
    {
        var waiting = await StartWithStepAsync("waiting", T0);
        await WaitForApprovalAsync(waiting);

        await PruneAsync(new PruneCommand(Cutoff, Cutoff, 100, Cutoff));
        var woken = await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([new EventRecord("approval-1", "conformance/approved", "{}", Cutoff)], new ResolveEveryWait(), Cutoff, DedupeWindow), CancellationToken.None));

        Assert.Equal(1, woken.RunsWoken);
        Assert.Equal(Cutoff, (await Store.GetRunAsync("waiting", CancellationToken.None))!.DueAt);
    }

    [Fact]
    public async Task Prune_EventsOlderThanCutoff_DeletedWithTheirSkips()
    {
        await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("old-event", T0)], new SkipEveryEvent("conformance/function", "filter did not match"), T0, DedupeWindow), CancellationToken.None));
        await IngestAsync("recent-event", Cutoff.AddSeconds(1));

        var result = await PruneAsync(new PruneCommand(null, Cutoff, 100, null));

        Assert.Equal(new PruneResult(0, 1, 0), result);
        Assert.Equal(["recent-event"], (await Store.ListEventsAsync(new EventQuery(), CancellationToken.None)).Items.Select(e => e.Event.Id));

        // The id sent again is a new event: the skip recorded for the pruned one must not come back with it.
        await IngestAsync("old-event", Cutoff.AddSeconds(2));
        var resent = Assert.Single((await Store.ListEventsAsync(new EventQuery(), CancellationToken.None)).Items, e => e.Event.Id == "old-event");
        Assert.Empty(resent.Skips);
        Assert.Single(resent.RunIds);
    }

    [Fact]
    public async Task Prune_MoreThanOneBatch_EachCallDeletesAtMostBatchSizeUntilNothingIsLeft()
    {
        for (var i = 0; i < 5; i++)
        {
            var lease = await StartWithStepAsync($"old-{i}", T0.AddSeconds(i));
            await FinishAsync(lease, RunStatus.Completed, T0.AddMinutes(1).AddSeconds(i));
        }

        var command = new PruneCommand(Cutoff, Cutoff, 2, null);
        var batches = new List<PruneResult>();
        for (var call = 0; call < 4; call++)
        {
            batches.Add(await PruneAsync(command));
        }

        // Five runs, and the five events that started them.
        Assert.Equal([new(2, 2, 0), new(2, 2, 0), new(1, 1, 0), new(0, 0, 0)], batches);
        Assert.False(batches[2].FilledBatch(2));
        Assert.Empty((await Store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Items);
        Assert.Empty((await Store.ListEventsAsync(new EventQuery(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Prune_OldestFinishedFirst_BatchTakesTheEarliestFinished()
    {
        foreach (var (runId, finishedAt) in new[] { ("finished-third", T0.AddHours(3)), ("finished-first", T0.AddHours(1)), ("finished-second", T0.AddHours(2)) })
        {
            var lease = await StartWithStepAsync(runId, T0);
            await FinishAsync(lease, RunStatus.Completed, finishedAt);
        }

        await PruneAsync(new PruneCommand(Cutoff, null, 2, null));

        Assert.Equal(["finished-third"], (await Store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Items.Select(r => r.Id));
    }

    [Fact]
    public async Task Prune_IdempotencyKeys_DeletesOnlyExpiredOnesAndLiveKeysStillHold()
    {
        await IngestKeyedAsync("event-1", "key-expired", T0, until: T0.AddHours(1));
        await IngestKeyedAsync("event-2", "key-live", T0, until: T0.AddHours(3));

        var result = await PruneAsync(new PruneCommand(null, null, 100, T0.AddHours(2)));
        var again = await IngestKeyedAsync("event-3", "key-live", T0.AddHours(2), until: T0.AddHours(5));

        Assert.Equal(new PruneResult(0, 0, 1), result);
        Assert.Empty(again.RunsCreated);
    }

    [Fact]
    public async Task Prune_NoCutoffs_DeletesNothing()
    {
        var lease = await StartWithStepAsync("old", T0);
        await FinishAsync(lease, RunStatus.Completed, T0.AddMinutes(1));

        var result = await PruneAsync(new PruneCommand(null, null, 100, null));

        Assert.Equal(PruneResult.None, result);
        Assert.NotNull(await Store.GetRunAsync("old", CancellationToken.None));
        Assert.Single((await Store.ListEventsAsync(new EventQuery(), CancellationToken.None)).Items);
    }

    private Task<PruneResult> PruneAsync(PruneCommand command) => Store.PruneAsync(command, CancellationToken.None);

    /// <summary>Creates, claims and records one step (after a failed attempt) for a run; returns its lease.</summary>
    private async Task<LeaseRef> StartWithStepAsync(string runId, DateTimeOffset now)
    {
        await CreateRunAsync(runId, now);
        var lease = await ClaimOneAsync("worker-a", runId, now);
        var error = new ErrorInfo("System.TimeoutException", "slow");
        Assert.Equal(FenceResult.Applied, await InTransactionAsync(w => w.CommitStepAsync(
            new CommitStepCommand
            {
                Lease = lease,
                Step = Completed("fetch", 0, "1") with { Attempts = 2 },
                FailedAttempt = new StepAttempt(1, now, now, error),
                Now = now,
            },
            CancellationToken.None)));
        return lease;
    }

    private async Task FinishAsync(LeaseRef lease, RunStatus status, DateTimeOffset now)
        => Assert.Equal(FenceResult.Applied, await InTransactionAsync(w => w.FinishRunAsync(
            new FinishRunCommand { Lease = lease, Status = status, Error = status == RunStatus.Failed ? new ErrorInfo("Boom", "failed") : null, Now = now },
            CancellationToken.None)));

    private async Task SuspendAsync(LeaseRef lease, RunStatus status, DateTimeOffset? wakeAt)
        => Assert.Equal(FenceResult.Applied, await InTransactionAsync(w => w.SuspendRunAsync(
            new SuspendRunCommand(lease, status, wakeAt, 0, null, null, T0), CancellationToken.None)));

    /// <summary>Parks the run waiting, without a timeout, for a <c>conformance/approved</c> event.</summary>
    private async Task WaitForApprovalAsync(LeaseRef lease)
    {
        Assert.Equal(FenceResult.Applied, await InTransactionAsync(w => w.CommitStepAsync(
            new CommitStepCommand
            {
                Lease = lease,
                Step = new StepWrite { StepId = "approval", Name = "approval", Position = 1, Kind = StepKind.WaitForEvent, Status = StepStatus.Waiting, Attempts = 1, StartedAt = T0 },
                Wait = new NewWait(lease.RunId, "approval", "conformance/approved", "true", "[]", null),
                Now = T0,
            },
            CancellationToken.None)));
        await SuspendAsync(lease, RunStatus.Waiting, null);
    }

    private Task<IngestResult> IngestKeyedAsync(string eventId, string key, DateTimeOffset now, DateTimeOffset until)
        => InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event(eventId, now)], new RunPerEvent(e => "run-" + e.Id, key, until), now, DedupeWindow), CancellationToken.None));

    /// <summary>A planner that records every new event as skipped by one function.</summary>
    private sealed class SkipEveryEvent(string functionId, string reason) : IIngestPlanner
    {
        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
        {
            var plan = new IngestPlan();
            foreach (var e in newEvents)
            {
                plan.Skips.Add((e.Id, functionId, reason));
            }

            return plan;
        }
    }

    /// <summary>A planner that resolves every pending wait with the first new event.</summary>
    private sealed class ResolveEveryWait : IIngestPlanner
    {
        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
        {
            var plan = new IngestPlan();
            var e = newEvents[0];
            using var data = JsonDocument.Parse(e.DataJson);
            var json = JsonSerializer.Serialize(new BatonEvent(e.Id, e.Name, data.RootElement.Clone(), e.Timestamp));
            foreach (var wait in waits.Where(w => w.StepId is not null))
            {
                plan.ResolvedWaits.Add((wait, json));
            }

            return plan;
        }
    }
}

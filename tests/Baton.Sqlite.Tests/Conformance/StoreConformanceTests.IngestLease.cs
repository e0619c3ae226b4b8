using Baton.Storage;

namespace Baton.Sqlite.Tests.Conformance;

/// <summary>An ingest that leases the plain runs it creates to the ingesting worker, in its own transaction (<see cref="IngestLease"/>).</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task IngestEvents_WithLease_LeasesPlainRunsUpToLimitAndQueuesTheRest()
    {
        var result = await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("e-1", T0), Event("e-2", T0), Event("e-3", T0)], new RunPerEvent(e => "run-" + e.Id), T0, DedupeWindow)
            {
                Lease = new IngestLease("worker-a", T0 + Lease, 2),
            },
            CancellationToken.None));

        Assert.Equal(["run-e-1", "run-e-2", "run-e-3"], result.RunsCreated.Select(r => r.RunId));
        Assert.Equal(["run-e-1", "run-e-2"], result.Claimed.Select(r => r.RunId));
        Assert.All(result.Claimed, r =>
        {
            Assert.Equal(IngestLease.FirstToken, r.Token);
            Assert.Equal(1, r.Claims);
            Assert.Equal(0, r.Attempt);
            Assert.Equal(T0, r.StartedAt);
            Assert.Equal("conformance/function", r.FunctionId);
            Assert.Contains("\"e-", r.TriggerJson, StringComparison.Ordinal);
        });

        var leased = await Store.GetRunAsync("run-e-1", CancellationToken.None);
        Assert.Equal(RunStatus.Running, leased!.Status);
        Assert.Equal(T0, leased.StartedAt);

        // Another worker claims only the run that was not leased; the leases hold until they expire.
        var other = await ClaimAsync("worker-b", T0 + Lease - TimeSpan.FromMilliseconds(1));
        Assert.Equal(["run-e-3"], other.Runs.Select(r => r.RunId));
    }

    [Fact]
    public async Task IngestEvents_WithLease_LeasedRunIsFencedLikeAClaimedOne()
    {
        var result = await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("e-1", T0)], new RunPerEvent(_ => "run-1"), T0, DedupeWindow) { Lease = new IngestLease("worker-a", T0 + Lease, 5) },
            CancellationToken.None));
        var lease = new LeaseRef("run-1", "worker-a", Assert.Single(result.Claimed).Token);

        Assert.Equal(FenceResult.Applied, await CommitStepAsync(lease, Completed("a", 0, "1")));
        Assert.Equal(1, await InTransactionAsync(w => w.HeartbeatAsync(new HeartbeatCommand([lease], T0 + (2 * Lease)), CancellationToken.None)));

        // The heartbeat moved the lease on: not claimable at the first expiry, claimable (with a newer token) after the second.
        Assert.Empty((await ClaimAsync("worker-b", T0 + Lease)).Runs);
        var taken = Assert.Single((await ClaimAsync("worker-b", T0 + (2 * Lease))).Runs);
        Assert.True(taken.Token > lease.Token);
        Assert.Equal(2, taken.Claims);

        Assert.Equal(FenceResult.LeaseLost, await CommitStepAsync(lease, Completed("b", 1, "2")));
        Assert.Equal(
            FenceResult.LeaseLost,
            await InTransactionAsync(w => w.FinishRunAsync(new FinishRunCommand { Lease = lease, Status = RunStatus.Completed, Now = T0 }, CancellationToken.None)));
        Assert.Equal(["a"], (await Store.GetStepsAsync("run-1", includeAttempts: false, CancellationToken.None)).Select(s => s.Id));
    }

    [Fact]
    public async Task IngestEvents_WithLeaseAndDuplicateEvent_LeasesNothing()
    {
        await IngestAsync("e-1", T0);

        var again = await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("e-1", T0)], new RunPerEvent(), T0, DedupeWindow) { Lease = new IngestLease("worker-a", T0 + Lease, 5) },
            CancellationToken.None));

        Assert.Empty(again.RunsCreated);
        Assert.Empty(again.Claimed);
        Assert.Single((await Store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task IngestEvents_WithLease_RunHeldByIdempotencyKeyIsNeitherCreatedNorLeased()
    {
        var until = T0.AddHours(24);
        await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("e-1", T0)], new RunPerEvent(idempotencyKey: "k", keyUntil: until), T0, DedupeWindow), CancellationToken.None));

        var second = await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("e-2", T0)], new RunPerEvent(idempotencyKey: "k", keyUntil: until), T0, DedupeWindow) { Lease = new IngestLease("worker-a", T0 + Lease, 5) },
            CancellationToken.None));

        Assert.Empty(second.RunsCreated);
        Assert.Empty(second.Claimed);
    }

    [Fact]
    public async Task IngestEvents_WithLease_FlowControlledRunStaysInItsQueue()
    {
        var result = await InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event("e-1", T0)], new FlowRunPerEvent(), T0, DedupeWindow) { Lease = new IngestLease("worker-a", T0 + Lease, 5) },
            CancellationToken.None));

        var run = Assert.Single(result.RunsCreated);
        Assert.Empty(result.Claimed);
        Assert.Equal(RunStatus.Queued, (await Store.GetRunAsync(run.RunId, CancellationToken.None))!.Status);
    }

    /// <summary>One run per new event, under claim-time flow control (a concurrency key).</summary>
    private sealed class FlowRunPerEvent : IIngestPlanner
    {
        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
        {
            var plan = new RunPerEvent(e => "run-" + e.Id).Plan(newEvents, waits, now);
            for (var i = 0; i < plan.Runs.Count; i++)
            {
                plan.Runs[i] = plan.Runs[i] with { Flow = new RunFlow { Queue = "q" } };
            }

            return plan;
        }
    }
}

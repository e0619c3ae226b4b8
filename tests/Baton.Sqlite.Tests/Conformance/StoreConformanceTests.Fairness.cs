using System.Text.Json;
using Baton.Storage;

namespace Baton.Sqlite.Tests.Conformance;

/// <summary>Fairness queues: claims rotate across queues so that no queue gets ahead of another.</summary>
public abstract partial class StoreConformanceTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public async Task ClaimDueRuns_TwoQueuesAndOddClaimSizes_ClaimsAlternateAcrossClaims(int claimSize)
    {
        // Queue "a" has the older runs; every claim takes an odd number, so one queue gets one run more in each claim.
        // The next claim must start with the other queue, or one queue drifts ahead by a run per claim.
        var runs = 4 * claimSize;
        for (var n = 0; n < runs; n++)
        {
            await CreateFlowRunAsync($"run-a{n:00}", "f|a", T0.AddMilliseconds(n));
        }

        for (var n = 0; n < runs; n++)
        {
            await CreateFlowRunAsync($"run-b{n:00}", "f|b", T0.AddMilliseconds(runs + n));
        }

        var order = new List<string>();
        for (var claim = 0; claim < 4; claim++)
        {
            var now = T0.AddSeconds(1);
            var claimed = await ClaimFlowAsync("worker", now, claimSize);
            Assert.Equal(claimSize, claimed.Runs.Count);
            order.AddRange(claimed.Runs.Select(r => r.RunId));
        }

        var queues = string.Concat(order.Select(id => id[4]));
        Assert.True(queues.Zip(queues.Skip(1)).All(p => p.First != p.Second), $"claims took {string.Join(", ", order)}");
        Assert.Equal(order.Where(id => id[4] == 'a').Order(StringComparer.Ordinal), order.Where(id => id[4] == 'a'));
    }

    [Fact]
    public async Task ClaimDueRuns_MoreQueuesThanOneClaimReads_EveryQueueServedOncePerRotation()
    {
        // 20 queues of 2 runs each, claimed one run at a time: a claim reads 16 queues, so the rotation must carry on
        // after the queue it served and wrap around to the first, serving each queue once before any queue again.
        const int queues = 20;
        for (var q = 0; q < queues; q++)
        {
            await CreateFlowRunAsync($"run-{q:00}-1", $"f|q{q:00}", T0.AddMilliseconds(q));
            await CreateFlowRunAsync($"run-{q:00}-2", $"f|q{q:00}", T0.AddMilliseconds(queues + q));
        }

        var served = new List<string>();
        for (var claim = 0; claim < 2 * queues; claim++)
        {
            var now = T0.AddSeconds(1);
            var claimed = await ClaimFlowAsync("worker", now, 1);
            var run = Assert.Single(claimed.Runs);
            Assert.Equal(now, claimed.NextDueAt);
            served.Add(run.RunId);
        }

        var first = served.Take(queues).ToArray();
        var second = served.Skip(queues).ToArray();
        Assert.Equal(queues, first.Select(id => id[..6]).Distinct().Count());
        Assert.Equal(first.Select(id => id[..6]), second.Select(id => id[..6]));
        Assert.All(first, id => Assert.EndsWith("-1", id));
        Assert.All(second, id => Assert.EndsWith("-2", id));
    }

    [Fact]
    public async Task ClaimDueRuns_FlowRunLeasedByAnotherWorker_ClaimableOnlyOnceLeaseExpires()
    {
        // A crashed holder's run stays in its queue: the queued runs behind it are claimed meanwhile, the claim reports
        // the lease's expiry as the next due time, and from then on a claim takes the run again with a new token.
        await CreateFlowRunAsync("run-1", "f|a", T0);
        await CreateFlowRunAsync("run-2", "f|a", T0.AddMilliseconds(1));
        await CreateFlowRunAsync("run-3", "f|a", T0.AddMilliseconds(2));
        var claimedAt = T0.AddSeconds(1);
        var first = await ClaimFlowAsync("worker-a", claimedAt, 1);

        var beforeExpiry = await ClaimFlowAsync("worker-b", claimedAt + Lease - TimeSpan.FromMilliseconds(1), 10);
        var atExpiry = await ClaimFlowAsync("worker-b", claimedAt + Lease, 10);

        Assert.Equal("run-1", Assert.Single(first.Runs).RunId);
        Assert.Equal(["run-2", "run-3"], beforeExpiry.Runs.Select(r => r.RunId));
        Assert.Equal(claimedAt + Lease, beforeExpiry.NextDueAt);
        var again = Assert.Single(atExpiry.Runs);
        Assert.Equal("run-1", again.RunId);
        Assert.True(again.Token > first.Runs[0].Token);
    }

    private Task<ClaimResult> ClaimFlowAsync(string owner, DateTimeOffset now, int limit)
        => InTransactionAsync(w => w.ClaimDueRunsAsync(new ClaimCommand(owner, now, now + Lease, limit) { FlowControl = true }, CancellationToken.None));

    /// <summary>Creates a run in fairness queue <paramref name="queue"/> (no concurrency keys, no throttle), due at <paramref name="now"/>.</summary>
    private async Task CreateFlowRunAsync(string runId, string queue, DateTimeOffset now)
    {
        var trigger = JsonSerializer.Serialize(new[] { new BatonEvent("event-" + runId, "conformance/happened", JsonDocument.Parse("{}").RootElement, now) });
        var planner = new FlowRunPlanner(new NewRun { RunId = runId, FunctionId = "f", TriggerJson = trigger, EventId = "event-" + runId, Flow = new RunFlow { Queue = queue } });
        var result = await InTransactionAsync(w => w.IngestEventsAsync(new IngestCommand([Event("event-" + runId, now)], planner, now, DedupeWindow), CancellationToken.None));
        Assert.Equal(runId, Assert.Single(result.RunsCreated).RunId);
    }

    private sealed class FlowRunPlanner(NewRun run) : IIngestPlanner
    {
        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
        {
            var plan = new IngestPlan();
            plan.Runs.Add(run);
            return plan;
        }
    }
}

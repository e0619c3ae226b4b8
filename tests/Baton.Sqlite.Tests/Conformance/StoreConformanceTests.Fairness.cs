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
            var claimed = await InTransactionAsync(w => w.ClaimDueRunsAsync(new ClaimCommand("worker", now, now + Lease, claimSize) { FlowControl = true }, CancellationToken.None));
            Assert.Equal(claimSize, claimed.Runs.Count);
            order.AddRange(claimed.Runs.Select(r => r.RunId));
        }

        var queues = string.Concat(order.Select(id => id[4]));
        Assert.True(queues.Zip(queues.Skip(1)).All(p => p.First != p.Second), $"claims took {string.Join(", ", order)}");
        Assert.Equal(order.Where(id => id[4] == 'a').Order(StringComparer.Ordinal), order.Where(id => id[4] == 'a'));
    }

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

using Baton.Testing;
using Baton.Tests.FlowControl;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Flow;

/// <summary>Debounce and batching combined with claim-time rules: a pending run, once due, waits in its fairness queue.</summary>
public sealed class GatherUnderClaimRulesTests
{
    [Fact]
    public async Task DebounceWithConcurrency_TwoKeysDueTogether_RunOneAtATimeEachWithItsLastEvent()
    {
        var probe = default(FlowProbe);
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "analyze",
            f => f.OnEvent("watchlist/changed").Debounce(TimeSpan.FromSeconds(10), "event.data.key").Concurrency(1),
            ctx => ctx.Step.Run("analyze", token => probe!.EnterAsync(ctx.Data, token))));
        probe = new FlowProbe(host.Time);

        await host.SendAsync("watchlist/changed", new Job("gpus", 1));
        await host.SendAsync("watchlist/changed", new Job("cameras", 2));
        await host.SendAsync("watchlist/changed", new Job("gpus", 3));
        await host.SendAsync("watchlist/changed", new Job("cameras", 4));

        // Not before the debounce period: the pending runs are in their queues but not due.
        host.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(probe.Starts);

        // Both due at once; the function's one slot lets one start, the other waits for it.
        host.Advance(TimeSpan.FromSeconds(1));
        await probe.WaitUntilAsync(p => p.Starts.Count == 1, "the first debounced run to start");
        var first = Assert.Single(probe.Inside());
        Assert.Contains(first.N, new[] { 3, 4 });
        Assert.Equal(RunStatus.Queued, (await host.RunsOfAsync("analyze")).Single(r => r.Status != RunStatus.Running).Status);

        probe.Release(first.N);
        await probe.WaitUntilAsync(p => p.Starts.Count == 2, "the second debounced run to start");
        var second = Assert.Single(probe.Inside());
        probe.Release(second.N);
        await host.WaitForFinishedAsync("analyze", 2);

        Assert.Equal([3, 4], probe.Starts.Select(s => s.Job.N).Order());
    }

    [Fact]
    public async Task BatchWithThrottle_TwoFullBatches_SecondStartsOneIntervalLater()
    {
        var starts = new List<(int Size, DateTimeOffset At)>();
        var started = new SemaphoreSlim(0);
        var clock = default(TimeProvider);
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job[]>(
            "ingest-prices",
            f => f.OnEvent("price/seen").Batch(2, TimeSpan.FromMinutes(5)).Throttle(1, TimeSpan.FromMinutes(1)),
            ctx =>
            {
                lock (starts)
                {
                    starts.Add((ctx.Events.Count, clock!.GetUtcNow()));
                }

                started.Release();
                return Task.CompletedTask;
            }));
        clock = host.Time;
        var t0 = host.Time.GetUtcNow();

        await host.Client.SendAsync(Enumerable.Range(0, 4).Select(n => new EventMessage("price/seen", new Job("k", n))).ToArray());
        await started.WaitAsync(host.WaitTimeout);
        host.Advance(TimeSpan.FromSeconds(59));
        Assert.Single(starts);
        host.Advance(TimeSpan.FromSeconds(1));
        await started.WaitAsync(host.WaitTimeout);

        Assert.Equal([(2, t0), (2, t0.AddMinutes(1))], starts);
    }
}

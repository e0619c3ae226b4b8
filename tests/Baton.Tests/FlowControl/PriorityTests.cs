using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.FlowControl;

public sealed class PriorityTests
{
    private static readonly TimeSpan Slot = TimeSpan.FromHours(1);

    /// <summary>A throttle of one start per hour queues the runs, so the order they start in is the queue's order.</summary>
    private static async Task<(BatonTestHost Host, FlowProbe Probe)> StartAsync()
    {
        FlowProbe? probe = null;
        var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "capture",
            f => f.OnEvent("job/go").Throttle(1, Slot).Priority("event.data.boost"),
            ctx => ctx.Step.Run("work", token => probe!.EnterAsync(ctx.Data, token))));
        probe = new FlowProbe(host.Time, hold: false);
        return (host, probe);
    }

    private static async Task<IReadOnlyList<int>> DrainAsync(BatonTestHost host, FlowProbe probe, int total)
    {
        await probe.WaitUntilAsync(p => p.Starts.Count >= 1, "the first start");
        for (var started = probe.Starts.Count; started < total; started++)
        {
            await host.WaitForFinishedAsync("capture", started);
            host.Advance(Slot);
            var count = started + 1;
            await probe.WaitUntilAsync(p => p.Starts.Count == count, $"{count} starts");
        }

        await host.WaitForRunsOfAsync("capture", total);
        return probe.Starts.Select(s => s.Job.N).ToArray();
    }

    [Fact]
    public async Task Priority_SentTogether_HigherBoostStartsFirstAndEqualBoostsKeepTheirOrder()
    {
        var (host, probe) = await StartAsync();
        await using var _ = host;
        await host.SendAsync("job/go", new Job("k", 0));
        await host.WaitForFinishedAsync("capture", 1);

        await host.Client.SendAsync(
        [
            new EventMessage("job/go", new Job("k", 1)),
            new EventMessage("job/go", new Job("k", 2, Boost: -300)),
            new EventMessage("job/go", new Job("k", 3)),
            new EventMessage("job/go", new Job("k", 4, Boost: 300)),
        ]);

        Assert.Equal([0, 4, 1, 3, 2], await DrainAsync(host, probe, 5));
    }

    [Fact]
    public async Task Priority_JumpsAheadOfRunsEnqueuedUpToItsBoostEarlier()
    {
        var (host, probe) = await StartAsync();
        await using var _ = host;
        await host.SendAsync("job/go", new Job("k", 0));
        await host.WaitForFinishedAsync("capture", 1);
        await host.SendAsync("job/go", new Job("k", 1));

        // 100 s later: a boost of 300 s passes run 1, a boost of 60 s does not.
        host.Advance(TimeSpan.FromSeconds(100));
        await host.Client.SendAsync([new EventMessage("job/go", new Job("k", 2, Boost: 60)), new EventMessage("job/go", new Job("k", 3, Boost: 300))]);

        Assert.Equal([0, 3, 1, 2], await DrainAsync(host, probe, 4));
    }

    [Fact]
    public async Task Priority_OutOfRange_IsClampedTo600Seconds()
    {
        var (host, probe) = await StartAsync();
        await using var _ = host;
        await host.SendAsync("job/go", new Job("k", 0));
        await host.WaitForFinishedAsync("capture", 1);
        await host.SendAsync("job/go", new Job("k", 1));

        // 601 s later a boost of 10,000 s counts as 600 s: not enough to pass run 1.
        host.Advance(TimeSpan.FromSeconds(601));
        await host.SendAsync("job/go", new Job("k", 2, Boost: 10_000));

        Assert.Equal([0, 1, 2], await DrainAsync(host, probe, 3));
    }
}

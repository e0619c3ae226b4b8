using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.FlowControl;

public sealed class ThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static async Task<(BatonTestHost Host, FlowProbe Probe)> StartAsync(Action<FunctionBuilder> flow)
    {
        FlowProbe? probe = null;
        var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "capture",
            f => flow(f.OnEvent("job/go")),
            ctx => ctx.Step.Run("work", token => probe!.EnterAsync(ctx.Data, token))));
        probe = new FlowProbe(host.Time, hold: false);
        return (host, probe);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Throttle_LimitPerPeriodWithBurst_StartsFollowGcraAndNoneIsDropped(int burst)
    {
        var (host, probe) = await StartAsync(f => f.Throttle(2, TimeSpan.FromMinutes(1), burst));
        await using var _ = host;
        var t0 = host.Time.GetUtcNow();
        const int runs = 6;
        await host.Client.SendAsync(Enumerable.Range(0, runs).Select(n => new EventMessage("job/go", new Job("k", n))).ToArray());

        // GCRA: `burst` runs start at once, then one per interval (period / limit).
        var expected = Enumerable.Range(0, runs).Select(i => t0 + (Interval * Math.Max(0, i - burst + 1))).ToArray();
        await probe.WaitUntilAsync(p => p.Starts.Count == burst, $"{burst} starts");
        for (var started = burst; started < runs; started++)
        {
            await host.WaitForFinishedAsync("capture", started);
            host.Advance(Interval);
            var count = started + 1;
            await probe.WaitUntilAsync(p => p.Starts.Count == count, $"{count} starts");
        }

        await host.WaitForRunsOfAsync("capture", runs);
        Assert.Equal(expected, probe.Starts.Select(s => s.At));

        // In order: runs that started at the same instant were claimed together and entered in any order.
        Assert.Equal(Enumerable.Range(0, runs), probe.Starts.OrderBy(s => s.At).ThenBy(s => s.Job.N).Select(s => s.Job.N));
    }

    [Fact]
    public async Task Throttle_WithKey_EachKeyHasItsOwnRate()
    {
        var (host, probe) = await StartAsync(f => f.Throttle(1, TimeSpan.FromMinutes(1), key: "event.data.key"));
        await using var _ = host;
        var t0 = host.Time.GetUtcNow();

        await host.Client.SendAsync([new EventMessage("job/go", new Job("a", 0)), new EventMessage("job/go", new Job("b", 1)), new EventMessage("job/go", new Job("a", 2))]);

        await probe.WaitUntilAsync(p => p.Starts.Count == 2, "one start per key");
        await host.WaitForFinishedAsync("capture", 2);
        host.Advance(TimeSpan.FromMinutes(1));
        await host.WaitForRunsOfAsync("capture", 3);
        Assert.Equal([(0, t0), (1, t0), (2, t0 + TimeSpan.FromMinutes(1))], probe.Starts.Select(s => (s.Job.N, s.At)).OrderBy(s => s.N));
    }

    [Fact]
    public async Task Throttle_ResumedRun_IsNotThrottledAgain()
    {
        FlowProbe? probe = null;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "capture",
            f => f.OnEvent("job/go").Throttle(1, TimeSpan.FromHours(1)),
            async ctx =>
            {
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
                await ctx.Step.Run("work", token => probe!.EnterAsync(ctx.Data, token));
            }));
        probe = new FlowProbe(host.Time, hold: false);
        var t0 = host.Time.GetUtcNow();
        var ids = await host.Client.SendAsync([new EventMessage("job/go", new Job("k", 0))]);
        var runId = await host.WaitForRunOfEventAsync(ids[0], "capture");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        // The throttle counts starts: waking after a minute, within the hour, the run goes on at once.
        host.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(runId)).Status);
        Assert.Equal(t0 + TimeSpan.FromMinutes(1), Assert.Single(probe.Starts).At);
    }
}

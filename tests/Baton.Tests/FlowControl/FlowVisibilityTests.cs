using Baton.Testing;

namespace Baton.Tests.FlowControl;

public sealed class FlowVisibilityTests
{
    [Fact]
    public async Task GetFlowKeys_RunningQueuedAndThrottle_ReportedPerFunctionAndKey()
    {
        FlowProbe? probe = null;
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<Job>(
                "capture",
                f => f.OnEvent("job/go").Concurrency(1, "event.data.key").Throttle(1, TimeSpan.FromSeconds(1), burst: 5, key: "event.data.key"),
                ctx => ctx.Step.Run("work", token => probe!.EnterAsync(ctx.Data, token)))
            .AddFunction<Job>("plain", f => f.OnEvent("job/go"), _ => Task.CompletedTask));
        probe = new FlowProbe(host.Time);

        await host.Client.SendAsync([new EventMessage("job/go", new Job("gb", 0)), new EventMessage("job/go", new Job("gb", 1)), new EventMessage("job/go", new Job("de", 2))]);
        await probe.WaitUntilAsync(p => p.Inside().Count == 2, "one run per key inside");

        // Per key: one running, the rest queued; the throttle allows 5 back to back, so after one start it is free.
        var keys = await host.Inspector.GetFlowKeysAsync("capture");
        Assert.Equal([("capture", "de", 1, 0, (DateTimeOffset?)null), ("capture", "gb", 1, 1, null)], keys.Select(k => (k.FunctionId, k.Key, k.Running, k.Queued, k.ThrottledUntil)));
        Assert.Empty(await host.Inspector.GetFlowKeysAsync("plain"));
        Assert.Equal(keys, await host.Inspector.GetFlowKeysAsync());

        probe.Release(0);
        probe.Release(2);
        await probe.WaitUntilAsync(p => p.Starts.Count == 3, "the second gb run");
        probe.Release(1);
    }

    [Fact]
    public async Task GetFlowKeys_ThrottledKey_ReportsWhenTheNextStartIsAllowed()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "capture",
            f => f.OnEvent("job/go").Throttle(1, TimeSpan.FromMinutes(1), key: "event.data.key"),
            _ => Task.CompletedTask));
        var t0 = host.Time.GetUtcNow();

        var ids = await host.Client.SendAsync([new EventMessage("job/go", new Job("gb", 0)), new EventMessage("job/go", new Job("gb", 1))]);
        await host.WaitForRunAsync(await host.WaitForRunOfEventAsync(ids[0], "capture"));

        var key = Assert.Single(await host.Inspector.GetFlowKeysAsync("capture"));
        Assert.Equal(("gb", 0, 1, (DateTimeOffset?)(t0 + TimeSpan.FromMinutes(1))), (key.Key, key.Running, key.Queued, key.ThrottledUntil));
    }
}

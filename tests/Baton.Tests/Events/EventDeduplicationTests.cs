using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Events;

public sealed class EventDeduplicationTests
{
    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b.AddFunction<object>(
        "on-ping",
        f => f.OnEvent("app/ping"),
        _ => Task.CompletedTask));

    [Fact]
    public async Task SendAsync_SameIdTwiceWithin24Hours_ProcessesItOnce()
    {
        await using var host = await StartAsync();
        var first = await host.SendAsync("app/ping", new { n = 1 }, id: "ping-1");
        await host.WaitForRunsOfAsync("on-ping", 1);

        host.Advance(TimeSpan.FromHours(23));
        var second = await host.SendAsync("app/ping", new { n = 2 }, id: "ping-1");

        Assert.Equal("ping-1", first);
        Assert.Equal("ping-1", second);
        var run = Assert.Single(await host.RunsOfAsync("on-ping"));
        Assert.Equal(1, run.Events[0].Data.GetProperty("n").GetInt32());
        var stored = Assert.Single((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Equal(1, stored.Event.Data.GetProperty("n").GetInt32());
        Assert.Equal(BatonTestHost.DefaultStart, stored.ReceivedAt);
    }

    [Fact]
    public async Task SendAsync_SameIdInOneBatch_ProcessesItOnce()
    {
        await using var host = await StartAsync();

        var ids = await host.Client.SendAsync([new EventMessage("app/ping") { Id = "dup" }, new EventMessage("app/ping") { Id = "dup" }]);

        Assert.Equal(["dup", "dup"], ids);
        Assert.Single(await host.WaitForRunsOfAsync("on-ping", 1));
    }

    [Fact]
    public async Task SendAsync_SameIdAfter24Hours_ProcessesItAgain()
    {
        await using var host = await StartAsync();
        await host.SendAsync("app/ping", new { n = 1 }, id: "ping-1");
        await host.WaitForRunsOfAsync("on-ping", 1);

        host.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await host.SendAsync("app/ping", new { n = 2 }, id: "ping-1");

        var runs = await host.WaitForRunsOfAsync("on-ping", 2);
        Assert.Equal([1, 2], runs.Select(r => r.Events[0].Data.GetProperty("n").GetInt32()));
        var stored = Assert.Single((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Equal(2, stored.Event.Data.GetProperty("n").GetInt32());
        Assert.Equal(runs.Select(r => r.Id), stored.RunIds);
    }
}

using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Functions;

public sealed class IdempotencyTests
{
    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b
        .AddFunction<object>("charge", f => f.OnEvent("order/paid").Idempotency("event.data.orderId"), _ => Task.CompletedTask)
        .AddFunction<object>("log-payment", f => f.OnEvent("order/paid"), _ => Task.CompletedTask));

    [Fact]
    public async Task Idempotency_SameKeyWithin24Hours_OneRunAndLaterEventsSkipped()
    {
        await using var host = await StartAsync();
        var first = await host.SendAsync("order/paid", new { orderId = "o-1" });
        host.Advance(TimeSpan.FromHours(23));
        var second = await host.SendAsync("order/paid", new { orderId = "o-1" });
        var other = await host.SendAsync("order/paid", new { orderId = "o-2" });

        var runs = await host.WaitForRunsOfAsync("charge", 2);
        Assert.Equal([first, other], runs.Select(r => r.EventId));
        Assert.Equal(3, (await host.WaitForRunsOfAsync("log-payment", 3)).Count);

        var events = (await host.Inspector.ListEventsAsync(new EventQuery())).Items.ToDictionary(e => e.Event.Id);
        Assert.Empty(events[first].Skips);
        Assert.Empty(events[other].Skips);
        var skip = Assert.Single(events[second].Skips);
        Assert.Equal("charge", skip.FunctionId);
        Assert.Contains("idempotency key 'o-1'", skip.Reason, StringComparison.Ordinal);
        Assert.Single(events[second].RunIds);
    }

    [Fact]
    public async Task Idempotency_SameKeyAfter24Hours_StartsANewRun()
    {
        await using var host = await StartAsync();
        var first = await host.SendAsync("order/paid", new { orderId = "o-1" });
        await host.WaitForRunsOfAsync("charge", 1);

        host.Advance(TimeSpan.FromHours(24));
        var later = await host.SendAsync("order/paid", new { orderId = "o-1" });

        var runs = await host.WaitForRunsOfAsync("charge", 2);
        Assert.Equal([first, later], runs.Select(r => r.EventId));
        var events = await host.Inspector.ListEventsAsync(new EventQuery());
        Assert.All(events.Items, e => Assert.Empty(e.Skips));
    }

    [Fact]
    public async Task Idempotency_KeyIsNull_SkipsEventWithReason()
    {
        await using var host = await StartAsync();

        var id = await host.SendAsync("order/paid", new { amount = 3 });

        await host.WaitForRunsOfAsync("log-payment", 1);
        Assert.Empty(await host.RunsOfAsync("charge"));
        var stored = Assert.Single((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Equal(id, stored.Event.Id);
        var skip = Assert.Single(stored.Skips);
        Assert.Equal("charge", skip.FunctionId);
        Assert.Contains("null", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idempotency_SameKeyInOneBatch_OneRun()
    {
        await using var host = await StartAsync();

        var ids = await host.Client.SendAsync([new EventMessage("order/paid", new { orderId = "o-9" }), new EventMessage("order/paid", new { orderId = "o-9" })]);

        var run = Assert.Single(await host.WaitForRunsOfAsync("charge", 1));
        Assert.Equal(ids[0], run.EventId);
        var skipped = (await host.Inspector.ListEventsAsync(new EventQuery())).Items.Single(e => e.Event.Id == ids[1]);
        Assert.Equal("charge", Assert.Single(skipped.Skips).FunctionId);
    }
}

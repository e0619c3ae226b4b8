using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Functions;

public sealed class EventTriggerTests
{
    [Fact]
    public async Task OnEvent_Wildcard_MatchesEveryNameUnderThePrefixOnly()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object, string>("shop-any", f => f.OnEvent("shop/*"), ctx => Task.FromResult(ctx.Event.Name))
            .AddFunction<object>("marker", f => f.OnEvent("marker/done"), _ => Task.CompletedTask));

        await host.Client.SendAsync(
        [
            new EventMessage("shop/order.created"),
            new EventMessage("shop/cart/updated"),
            new EventMessage("shopping/order.created"),
            new EventMessage("shop"),
            new EventMessage("other/shop/x"),
            new EventMessage("marker/done"),
        ]);

        await host.WaitForRunsOfAsync("marker", 1);
        var runs = await host.WaitForRunsOfAsync("shop-any", 2);
        Assert.Equal(["\"shop/cart/updated\"", "\"shop/order.created\""], runs.Select(r => r.Output!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OnEvent_Filter_RunsOnlyForMatchingEvents()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "big-orders",
            f => f.OnEvent("order/created", "event.data.amount > 10"),
            _ => Task.CompletedTask));

        var ids = await host.Client.SendAsync(
        [
            new EventMessage("order/created", new { amount = 5 }),
            new EventMessage("order/created", new { amount = 11 }),
            new EventMessage("order/created", new { amount = 10 }),
            new EventMessage("order/created", new { amount = 50 }),
        ]);

        var runs = await host.WaitForRunsOfAsync("big-orders", 2);
        Assert.Equal(2, runs.Count);
        Assert.Equal(new[] { ids[1], ids[3] }.Order(), runs.Select(r => r.EventId!).Order());
        var events = await host.Inspector.ListEventsAsync(new EventQuery());
        Assert.All(events.Items, e => Assert.Empty(e.Skips));
    }

    [Fact]
    public async Task OnEvent_FilterFailsToEvaluate_SkipsEventWithReason()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "big-orders",
            f => f.OnEvent("order/created", "event.data.amount > 10"),
            _ => Task.CompletedTask));

        var id = await host.SendAsync("order/created", new { note = "no amount" });

        var stored = Assert.Single((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Equal(id, stored.Event.Id);
        Assert.Empty(stored.RunIds);
        var skip = Assert.Single(stored.Skips);
        Assert.Equal("big-orders", skip.FunctionId);
        Assert.Contains("filter", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnEvent_SeveralTriggers_EachStartsTheFunction()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "audit",
            f => f.OnEvent("user/created").OnEvent("user/deleted").OnEvent("admin/*", "event.data.level >= 2"),
            ctx => Task.FromResult(ctx.Event.Name)));

        await host.Client.SendAsync(
        [
            new EventMessage("user/created"),
            new EventMessage("user/deleted"),
            new EventMessage("user/updated"),
            new EventMessage("admin/login", new { level = 1 }),
            new EventMessage("admin/login", new { level = 3 }),
        ]);

        var runs = await host.WaitForRunsOfAsync("audit", 3);
        Assert.Equal(["\"admin/login\"", "\"user/created\"", "\"user/deleted\""], runs.Select(r => r.Output!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OnEvent_TwoTriggersMatchingOneEvent_StartsOneRun()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "once",
            f => f.OnEvent("user/*").OnEvent("user/created"),
            _ => Task.CompletedTask));

        var id = await host.SendAsync("user/created");

        await host.WaitForRunsOfAsync("once", 1);
        var stored = Assert.Single((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Equal(id, stored.Event.Id);
        Assert.Single(stored.RunIds);
    }
}

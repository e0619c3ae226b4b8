using System.Text.Json;
using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Events;

public sealed class SendEventTests
{
    public sealed record Order(string OrderId, int Amount);

    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b.AddFunction<Order>(
        "count-orders",
        f => f.OnEvent("order/created"),
        _ => Task.CompletedTask));

    [Fact]
    public async Task SendAsync_OneEvent_ReturnsIdOfStoredEvent()
    {
        await using var host = await StartAsync();

        var id = await host.Client.SendAsync(new EventMessage("order/created", new Order("o-1", 5)));

        var events = await host.Inspector.ListEventsAsync(new EventQuery());
        var stored = Assert.Single(events.Items);
        Assert.False(string.IsNullOrWhiteSpace(id));
        Assert.Equal(id, stored.Event.Id);
        Assert.Equal("order/created", stored.Event.Name);
        Assert.Equal("o-1", stored.Event.Data.GetProperty("orderId").GetString());
        Assert.Equal(5, stored.Event.Data.GetProperty("amount").GetInt32());
        Assert.Equal(BatonTestHost.DefaultStart, stored.Event.Timestamp);
        Assert.Equal(BatonTestHost.DefaultStart, stored.ReceivedAt);
    }

    [Fact]
    public async Task SendAsync_ManyEvents_ReturnsIdsInOrderAndStartsARunForEach()
    {
        await using var host = await StartAsync();
        var messages = Enumerable.Range(1, 3).Select(i => new EventMessage("order/created", new Order($"o-{i}", i))).ToArray();

        var ids = await host.Client.SendAsync(messages);

        Assert.Equal(3, ids.Count);
        Assert.Equal(3, ids.Distinct().Count());
        var runs = await host.WaitForRunsOfAsync("count-orders", 3);
        Assert.Equal(ids.Order(), runs.Select(r => r.EventId!).Order());
        for (var i = 0; i < 3; i++)
        {
            var run = runs.Single(r => r.EventId == ids[i]);
            Assert.Equal($"o-{i + 1}", run.Events[0].Data.GetProperty("orderId").GetString());
        }
    }

    [Fact]
    public async Task SendAsync_GivenIdAndTimestamp_StoresThem()
    {
        await using var host = await StartAsync();
        var happened = BatonTestHost.DefaultStart.AddHours(-3);

        var id = await host.Client.SendAsync(new EventMessage("order/created", new Order("o-1", 1)) { Id = "order-o-1", Timestamp = happened });

        Assert.Equal("order-o-1", id);
        var stored = Assert.Single((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Equal(happened, stored.Event.Timestamp);
        Assert.Equal(BatonTestHost.DefaultStart, stored.ReceivedAt);
    }

    [Fact]
    public async Task SendAsync_NoData_StoresEmptyObject()
    {
        await using var host = await StartAsync();

        await host.SendAsync("order/created");

        var stored = Assert.Single((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Equal(JsonValueKind.Object, stored.Event.Data.ValueKind);
        Assert.Empty(stored.Event.Data.EnumerateObject());
    }

    [Fact]
    public async Task SendAsync_EmptyBatch_ReturnsNoIdsAndStoresNothing()
    {
        await using var host = await StartAsync();

        var ids = await host.Client.SendAsync([]);

        Assert.Empty(ids);
        Assert.Empty((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
    }
}

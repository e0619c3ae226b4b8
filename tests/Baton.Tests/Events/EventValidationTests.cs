using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Events;

public sealed class EventValidationTests
{
    public static TheoryData<string> BadNames => new()
    {
        "",
        "   ",
        new string('a', 257),
        "order/\u0001created",
        "order/created\n",
        "order\t/created",
    };

    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b.AddFunction<object>(
        "any-order",
        f => f.OnEvent("order/*"),
        _ => Task.CompletedTask));

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task SendAsync_InvalidName_ThrowsAndStoresNothing(string name)
    {
        await using var host = await StartAsync();

        var error = await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(new EventMessage(name)));

        Assert.Equal(0, error.Index);
        Assert.Contains("event name", error.Message, StringComparison.Ordinal);
        Assert.Empty((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Empty((await host.Inspector.ListRunsAsync(new RunQuery())).Items);
    }

    [Fact]
    public async Task SendAsync_NameOf256Characters_IsAccepted()
    {
        await using var host = await StartAsync();
        var name = "order/" + new string('x', 250);

        var id = await host.Client.SendAsync(new EventMessage(name));

        Assert.Equal(name, Assert.Single((await host.Inspector.ListEventsAsync(new EventQuery())).Items).Event.Name);
        Assert.NotNull(await host.WaitForRunOfEventAsync(id, "any-order"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("id\u0000")]
    public async Task SendAsync_InvalidId_ThrowsAndStoresNothing(string id)
    {
        await using var host = await StartAsync();

        await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(new EventMessage("order/created") { Id = id }));

        Assert.Empty((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
    }

    [Fact]
    public async Task SendAsync_IdLongerThan256_Throws()
    {
        await using var host = await StartAsync();

        await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(new EventMessage("order/created") { Id = new string('i', 257) }));

        Assert.Empty((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
    }

    [Fact]
    public async Task SendAsync_BatchWithOneBadEvent_StoresNoneAndNamesItsIndex()
    {
        await using var host = await StartAsync();
        await host.SendAsync("order/before", id: "before");
        await host.WaitForRunsOfAsync("any-order", 1);

        var error = await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(
        [
            new EventMessage("order/created") { Id = "good-1" },
            new EventMessage("order/\u0007bad") { Id = "bad" },
            new EventMessage("order/created") { Id = "good-2" },
        ]));

        Assert.Equal(1, error.Index);
        var events = await host.Inspector.ListEventsAsync(new EventQuery());
        Assert.Equal(["before"], events.Items.Select(e => e.Event.Id));
        Assert.Single(await host.RunsOfAsync("any-order"));
    }

    [Fact]
    public async Task SendAsync_DataThatCannotBeSerialized_ThrowsAndStoresNothing()
    {
        await using var host = await StartAsync();
        var cyclic = new Node();
        cyclic.Next = cyclic;

        var error = await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(new EventMessage("order/created", cyclic)));

        Assert.Contains("JSON", error.Message, StringComparison.Ordinal);
        Assert.Empty((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
    }

    public sealed class Node
    {
        public Node? Next { get; set; }
    }
}

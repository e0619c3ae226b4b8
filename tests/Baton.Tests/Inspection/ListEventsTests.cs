using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Inspection;

public sealed class ListEventsTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b
        .AddFunction<object>("first", f => f.OnEvent("user/created"), _ => Task.CompletedTask)
        .AddFunction<object>("second", f => f.OnEvent("user/*"), _ => Task.CompletedTask));

    [Fact]
    public async Task ListEventsAsync_EventStartedRuns_ListsTheirIds()
    {
        await using var host = await StartAsync();
        var created = await host.SendAsync("user/created");
        var deleted = await host.SendAsync("user/deleted");
        var ignored = await host.SendAsync("billing/paid");
        var firstRun = await host.WaitForRunOfEventAsync(created, "first");
        var secondRun = await host.WaitForRunOfEventAsync(created, "second");
        var deletedRun = await host.WaitForRunOfEventAsync(deleted, "second");

        var events = (await host.Inspector.ListEventsAsync(new EventQuery())).Items.ToDictionary(e => e.Event.Id);

        Assert.Equal(new[] { firstRun, secondRun }.Order(), events[created].RunIds.Order());
        Assert.Equal([deletedRun], events[deleted].RunIds);
        Assert.Empty(events[ignored].RunIds);
        Assert.Empty(events[ignored].Skips);
    }

    [Fact]
    public async Task ListEventsAsync_FilterAndCursor_PagesNewestFirst()
    {
        await using var host = await StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await host.SendAsync(i % 2 == 0 ? "user/created" : "billing/paid", new { i }));
            host.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await host.Inspector.ListEventsAsync(new EventQuery { Name = "user/created", Limit = 3 });
        var second = await host.Inspector.ListEventsAsync(new EventQuery { Name = "user/created", Limit = 3, Cursor = first.NextCursor });
        var range = await host.Inspector.ListEventsAsync(new EventQuery { ReceivedFrom = Start.AddMinutes(2), ReceivedTo = Start.AddMinutes(4) });

        Assert.Equal([ids[6], ids[4], ids[2]], first.Items.Select(e => e.Event.Id));
        Assert.Equal([ids[0]], second.Items.Select(e => e.Event.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal([ids[3], ids[2]], range.Items.Select(e => e.Event.Id));
    }

    [Fact]
    public async Task ListEventsAsync_EventsReceivedInTheSameMillisecond_AreListedNewestFirst()
    {
        await using var host = await StartAsync();

        var ids = await host.Client.SendAsync(Enumerable.Range(0, 20).Select(i => new EventMessage("billing/paid", new { i })));

        var events = await host.Inspector.ListEventsAsync(new EventQuery());
        Assert.Equal(Enumerable.Reverse(ids), events.Items.Select(e => e.Event.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task ListEventsAsync_InvalidLimit_ThrowsArgumentException(int limit)
    {
        await using var host = await StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Inspector.ListEventsAsync(new EventQuery { Limit = limit }));
    }

    [Fact]
    public async Task ListEventsAsync_InvalidCursor_ThrowsArgumentException()
    {
        await using var host = await StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Inspector.ListEventsAsync(new EventQuery { Cursor = "not-a-cursor" }));
    }
}

using Baton.Storage;
using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Flow;

public sealed class BatchTests
{
    private const int MaxSize = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b
        .AddFunction<Listing, Seen>("store-listings", f => f.OnEvent("listing/found").Batch(MaxSize, Timeout, key: "event.data.shop"), ctx => Task.FromResult(new Seen(ctx.Data.Seq, ctx.Events.Count))));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Batch_RandomArrivals_EachEventRunsOnceInOrderInBatchesFullOrTimedOut(int seed)
    {
        await using var host = await StartAsync();
        var random = new Random(seed);
        var open = new Dictionary<string, Group>(StringComparer.Ordinal);
        var expected = new List<Group>();

        for (var seq = 0; seq < 40; seq++)
        {
            var gap = TimeSpan.FromSeconds(random.Next(0, 7));
            var then = host.Time.GetUtcNow() + gap;
            foreach (var (key, due) in open.Where(g => g.Value.First + Timeout <= then).ToArray())
            {
                expected.Add(due);
                open.Remove(key);
            }

            host.Advance(gap);
            await host.WaitForFinishedAsync("store-listings", expected.Count);

            var shop = random.Next(2) == 0 ? "ebay-gb" : "ebay-de";
            var id = await host.SendAsync("listing/found", new Listing(shop, seq));
            if (!open.TryGetValue(shop, out var group))
            {
                open[shop] = group = new Group(host.Time.GetUtcNow(), []);
            }

            group.Ids.Add(id);
            if (group.Ids.Count == MaxSize)
            {
                expected.Add(group);
                open.Remove(shop);
            }

            // A full batch may not have been claimed yet; every batch still open is listed with its size and due time.
            var visible = (await host.Inspector.ListPendingFlowAsync("store-listings")).Where(p => p.Events < MaxSize);
            Assert.Equal(
                open.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Value.Ids[0], g.Value.Ids.Count, g.Value.First + Timeout)),
                visible.Select(p => (p.Key, p.EventId!, p.Events, p.DueAt)));
            Assert.All(visible, p => Assert.Equal(GatherKind.Batch, p.Kind));
        }

        expected.AddRange(open.Values);
        host.Advance(Timeout);
        var runs = await host.WaitForFinishedAsync("store-listings", expected.Count);

        Assert.Equal(expected.Count, (await host.RunsOfAsync("store-listings")).Count);
        Assert.Equal(
            expected.Select(g => string.Join(',', g.Ids)).Order(StringComparer.Ordinal),
            runs.Select(r => string.Join(',', r.Events.Select(e => e.Id))).Order(StringComparer.Ordinal));
        foreach (var run in runs)
        {
            var seen = run.OutputAs<Seen>()!;
            Assert.Equal(run.Events[0].DataAs<Listing>()!.Seq, seen.FirstSeq);
            Assert.Equal(run.Events.Count, seen.Count);
        }

        Assert.All((await host.SkipsAsync()).Values, Assert.Empty);

        // Every event lists the run that received it: the one that opened a batch and the ones appended to it alike.
        var received = runs.SelectMany(r => r.Events.Select(e => (Event: e.Id, Run: r.Id))).ToDictionary(x => x.Event, x => x.Run);
        var events = (await host.Inspector.ListEventsAsync(new EventQuery { Limit = 1000 })).Items;
        Assert.Equal(40, events.Count);
        Assert.All(events, e => Assert.Equal([received[e.Event.Id]], e.RunIds));
    }

    [Fact]
    public async Task Batch_Full_RunsAtOnceWithoutWaitingForTheTimeout()
    {
        await using var host = await StartAsync();

        var ids = await host.Client.SendAsync(Enumerable.Range(0, 4).Select(i => new EventMessage("listing/found", new Listing("ebay-gb", i))).ToArray());

        var run = Assert.Single(await host.WaitForFinishedAsync("store-listings", 1));
        Assert.Equal(ids.Take(3), run.Events.Select(e => e.Id));
        Assert.Equal(new Seen(0, 3), run.OutputAs<Seen>());
        var rest = Assert.Single(await host.Inspector.ListPendingFlowAsync());
        Assert.Equal(ids[3], rest.EventId);
        Assert.Equal(1, rest.Events);
    }

    public sealed record Listing(string Shop, int Seq);

    public sealed record Seen(int FirstSeq, int Count);

    private sealed record Group(DateTimeOffset First, List<string> Ids);
}

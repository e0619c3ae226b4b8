using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Postgres.Tests.Flow;

/// <summary>
/// Ingest-time flow control with two nodes ingesting the same keys at once on one PostgreSQL schema: each decision
/// is taken in the ingest transaction, so the outcome is the same as if the events had come one at a time.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IngestRaceTests(PostgresServer server) : IAsyncLifetime
{
    private const int PerNode = 12;
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly FakeTimeProvider _time = new(BatonTestHost.DefaultStart);
    private readonly List<BatonTestHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Debounce_TwoNodesSameKeyAtOnce_OnePendingRunHoldingTheLastCommittedEvent()
    {
        await StartNodesAsync(f => f.Debounce(TimeSpan.FromHours(1), key: "event.data.watchlist"));

        var ids = await SendFromBothAsync(_ => new { watchlist = "gpus" });

        var pending = Assert.Single(await _hosts[0].Inspector.ListPendingFlowAsync("f"));
        Assert.Equal(ids.Count, pending.Events);
        Assert.Single(await Cluster.RunsOfAsync(_hosts[0], "f"));
        var skips = await SkipsAsync();
        Assert.Empty(skips[pending.EventId!]);
        Assert.All(ids.Where(id => id != pending.EventId), id => Assert.StartsWith("debounce: replaced by later event", Assert.Single(skips[id]).Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimit_TwoNodesSameKeyAtOnce_ExactlyTheLimitRuns()
    {
        await StartNodesAsync(f => f.RateLimit(5, TimeSpan.FromHours(1), key: "event.data.shop"));

        var ids = await SendFromBothAsync(_ => new { shop = "ebay-gb" });

        var runs = await Cluster.WaitForRunsAsync(_hosts, "f", 5);
        Assert.Equal(5, runs.Count);
        var skips = await SkipsAsync();
        Assert.Equal(ids.Count - 5, ids.Count(id => skips[id].Count == 1 && skips[id][0].Reason.StartsWith("rate limit", StringComparison.Ordinal)));
        Assert.All(runs, r => Assert.Empty(skips[r.EventId!]));
    }

    [Fact]
    public async Task Batch_TwoNodesSameKeyAtOnce_EveryEventInExactlyOneFullBatch()
    {
        await StartNodesAsync(f => f.Batch(4, TimeSpan.FromHours(1), key: "event.data.shop"));

        var ids = await SendFromBothAsync(_ => new { shop = "ebay-gb" });

        var runs = await Cluster.WaitForRunsAsync(_hosts, "f", ids.Count / 4);
        Assert.All(runs, r => Assert.Equal(4, r.Events.Count));
        Assert.Equal(ids.Order(StringComparer.Ordinal), runs.SelectMany(r => r.Events).Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Singleton_TwoNodesSameKeyAtOnce_OneRunAndEveryOtherEventSkipped()
    {
        await StartNodesAsync(f => f.Singleton("event.data.watchlist"), hold: true);

        var ids = await SendFromBothAsync(_ => new { watchlist = "gpus" });

        var run = Assert.Single(await Cluster.RunsOfAsync(_hosts[0], "f"));
        var skips = await SkipsAsync();
        Assert.All(ids.Where(id => id != run.EventId), id => Assert.Equal($"singleton: run {run.Id} is still active for key 'gpus'", Assert.Single(skips[id]).Reason));
    }

    private async Task StartNodesAsync(Action<FunctionBuilder> rule, bool hold = false)
    {
        for (var i = 0; i < 2; i++)
        {
            _hosts.Add(await BatonTestHost.StartAsync(
                b => b.AddFunction<object>("f", f => rule(f.OnEvent("race/e")), ctx => hold ? ctx.Step.Sleep("hold", TimeSpan.FromHours(1)) : Task.CompletedTask),
                time: _time,
                useStore: b => b.UsePostgres(server.ConnectionString, o => o.Schema = _schema)));
        }
    }

    /// <summary>Each node sends its events one at a time, both nodes at once; returns every event id.</summary>
    private async Task<IReadOnlyList<string>> SendFromBothAsync(Func<int, object> data)
    {
        var sent = await Task.WhenAll(_hosts.Select(host => Task.Run(async () =>
        {
            var ids = new List<string>();
            for (var i = 0; i < PerNode; i++)
            {
                ids.Add(await host.SendAsync("race/e", data(i)));
            }

            return ids;
        })));
        return sent.SelectMany(s => s).ToArray();
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<EventSkip>>> SkipsAsync()
    {
        var events = await _hosts[0].Inspector.ListEventsAsync(new EventQuery { Limit = 1000 });
        return events.Items.ToDictionary(e => e.Event.Id, e => e.Skips);
    }
}

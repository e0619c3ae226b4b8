using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Postgres.Tests;

/// <summary>Leader election and cron across two nodes sharing one PostgreSQL schema and one fake clock.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLeaderTests(PostgresServer server) : IAsyncLifetime
{
    private const string FunctionId = "every-minute";
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    private readonly string _schema = PostgresServer.NewSchema();
    private readonly FakeTimeProvider _time = new(Start);
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
    public async Task OnCron_TwoNodes_OneLeaderAndOneRunPerTick()
    {
        var first = await StartNodeAsync();
        var second = await StartNodeAsync();
        Assert.True(first.IsLeader);
        Assert.False(second.IsLeader);

        for (var tick = 1; tick <= 3; tick++)
        {
            _hosts[tick % 2].Advance(TimeSpan.FromMinutes(1));
            await Cluster.WaitForRunsAsync(_hosts, FunctionId, tick);
        }

        var leader = await Cluster.SettledLeaderAsync(_hosts);
        var runs = await Cluster.RunsOfAsync(leader, FunctionId);
        Assert.Equal(Ticks(1, 2, 3), runs.Select(r => r.Events[0].Timestamp));
        Assert.Equal(leader.WorkerId, (await first.Inspector.GetLeaderAsync())?.WorkerId);
    }

    [Fact]
    public async Task LeaderDisposed_TickDueBeforeTakeover_NewLeaderFiresItOnce()
    {
        await StartNodeAsync();
        await StartNodeAsync();
        _hosts[0].Advance(TimeSpan.FromMinutes(1));
        await Cluster.WaitForRunsAsync(_hosts, FunctionId, 1);
        var leader = await Cluster.SettledLeaderAsync(_hosts);
        var follower = _hosts.Single(h => h != leader);

        _hosts.Remove(leader);
        await leader.DisposeAsync();
        follower.Advance(TimeSpan.FromSeconds(90));
        await follower.WaitForLeadershipAsync();
        await Cluster.WaitForRunsAsync(_hosts, FunctionId, 2);
        follower.Advance(TimeSpan.FromSeconds(30));
        var runs = await Cluster.WaitForRunsAsync(_hosts, FunctionId, 3);

        Assert.Equal(Ticks(1, 2, 3), runs.Select(r => r.Events[0].Timestamp));
        Assert.Same(follower, await Cluster.SettledLeaderAsync(_hosts));
    }

    private static DateTimeOffset[] Ticks(params int[] minutes) => minutes.Select(m => Start.AddMinutes(m)).ToArray();

    private async Task<BatonTestHost> StartNodeAsync()
    {
        var host = await BatonTestHost.StartAsync(
            b => b.AddFunction<object>(FunctionId, f => f.OnCron("* * * * *"), _ => Task.CompletedTask),
            time: _time,
            useStore: b => b.UsePostgres(server.ConnectionString, o => o.Schema = _schema));
        _hosts.Add(host);
        return host;
    }
}

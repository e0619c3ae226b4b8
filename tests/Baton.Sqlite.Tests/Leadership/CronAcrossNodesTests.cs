using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Sqlite.Tests.Leadership;

/// <summary>
/// Invariant 5, for cron: a tick fires once across the nodes sharing a store, also across a leader change. Two
/// hosts on one SQLite file and one fake clock; only the elected leader runs the schedules.
/// </summary>
public sealed class CronAcrossNodesTests : IAsyncLifetime
{
    private const string FunctionId = "every-minute";
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;
    private static readonly TimeSpan LeaderLease = new BatonOptions().LeaderLeaseDuration;

    private readonly TempDatabase _db = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<BatonTestHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        _db.Dispose();
    }

    [Fact]
    public async Task Start_TwoHostsOnOneFile_FirstStartedLeadsAndTheOtherFollows()
    {
        var first = await StartHostAsync();
        var second = await StartHostAsync();

        var seenByFollower = await second.Inspector.GetLeaderAsync();

        Assert.True(first.IsLeader);
        Assert.False(second.IsLeader);
        Assert.Equal(first.WorkerId, seenByFollower?.WorkerId);
        Assert.Equal(Start + LeaderLease, seenByFollower?.LeaseExpiresAt);
    }

    [Fact]
    public async Task OnCron_TwoHosts_EachTickStartsExactlyOneRun()
    {
        await StartHostAsync();
        await StartHostAsync();

        for (var tick = 1; tick <= 4; tick++)
        {
            // Each jump is longer than the leader lease, so leadership may move between the hosts on any tick.
            _hosts[tick % 2].Advance(TimeSpan.FromMinutes(1));
            await Cluster.WaitForRunsAsync(_hosts, FunctionId, tick);
        }

        await Cluster.SettledLeaderAsync(_hosts);
        var runs = await Cluster.RunsOfAsync(_hosts[0], FunctionId);
        Assert.Equal(Ticks(1, 2, 3, 4), runs.Select(r => r.Events[0].Timestamp));
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
    }

    [Fact]
    public async Task LeaderDisposed_TickDueBeforeTakeover_NewLeaderFiresItOnce()
    {
        await StartHostAsync();
        await StartHostAsync();
        _hosts[0].Advance(TimeSpan.FromMinutes(1));
        await Cluster.WaitForRunsAsync(_hosts, FunctionId, 1);
        var leader = await Cluster.SettledLeaderAsync(_hosts);
        var follower = _hosts.Single(h => h != leader);

        // The leader goes away at 01:00 (releasing its lease); the follower only looks again at 02:30, so the 02:00
        // tick falls due while nobody leads. The new leader resumes after the last recorded tick and fires it.
        await DisposeHostAsync(leader);
        follower.Advance(TimeSpan.FromSeconds(90));
        await follower.WaitForLeadershipAsync();
        await Cluster.WaitForRunsAsync(_hosts, FunctionId, 2);
        follower.Advance(TimeSpan.FromSeconds(30));
        var runs = await Cluster.WaitForRunsAsync(_hosts, FunctionId, 3);

        Assert.Equal(Ticks(1, 2, 3), runs.Select(r => r.Events[0].Timestamp));
        Assert.Same(follower, await Cluster.SettledLeaderAsync(_hosts));
    }

    [Fact]
    public async Task LeaderPartitioned_LeaseRunsOut_OtherHostTakesOverAndNextTickFiresOnce()
    {
        var stores = new Dictionary<BatonTestHost, FaultInjectingStore>();
        for (var i = 0; i < 2; i++)
        {
            var store = new FaultInjectingStore(new SqliteStore(new SqliteStoreOptions { Path = _db.Path }));
            stores[await StartHostAsync(b => b.UseStore(_ => store))] = store;
        }

        _hosts[0].Advance(TimeSpan.FromMinutes(1));
        await Cluster.WaitForRunsAsync(_hosts, FunctionId, 1);
        var leader = await Cluster.SettledLeaderAsync(_hosts);
        var follower = _hosts.Single(h => h != leader);

        // The leader can no longer renew: it steps down when its lease runs out, and the follower takes the lease then.
        stores[leader].Partitioned = true;
        follower.Advance(LeaderLease + TimeSpan.FromSeconds(1));
        await follower.WaitForLeadershipAsync();
        await leader.WaitForLeadershipAsync(leader: false);
        follower.Advance(TimeSpan.FromMinutes(1) - LeaderLease - TimeSpan.FromSeconds(1));
        var runs = await Cluster.WaitForRunsAsync(_hosts, FunctionId, 2);

        Assert.Equal(Ticks(1, 2), runs.Select(r => r.Events[0].Timestamp));
        Assert.Same(follower, await Cluster.SettledLeaderAsync([follower, leader]));
        stores[leader].Partitioned = false;
    }

    private static DateTimeOffset[] Ticks(params int[] minutes) => minutes.Select(m => Start.AddMinutes(m)).ToArray();

    private async Task<BatonTestHost> StartHostAsync(Action<BatonBuilder>? configure = null)
    {
        var host = await BatonTestHost.StartAsync(
            b =>
            {
                configure?.Invoke(b);
                b.AddFunction<object>(FunctionId, f => f.OnCron("* * * * *"), _ => Task.CompletedTask);
            },
            databasePath: _db.Path,
            time: _time);
        _hosts.Add(host);
        return host;
    }

    private async Task DisposeHostAsync(BatonTestHost host)
    {
        _hosts.Remove(host);
        await host.DisposeAsync();
    }
}

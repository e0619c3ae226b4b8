using Baton.Testing;

namespace Baton.Tests.Leadership;

public sealed class LeadershipTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    [Fact]
    public async Task GetLeader_SingleWorker_ReportsItselfWithItsLease()
    {
        await using var host = await BatonTestHost.StartAsync(_ => { });

        var leader = await host.Inspector.GetLeaderAsync();

        Assert.True(host.IsLeader);
        Assert.Equal(new LeaderInfo(host.WorkerId, Start + TimeSpan.FromSeconds(15)), leader);
    }

    [Fact]
    public async Task GetLeader_LeaderStopsGracefully_LeaseReleasedAtOnce()
    {
        var path = Path.Combine(Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var observer = await BatonTestHost.StartAsync(b => b.Configure(o => o.RunWorker = false), databasePath: path);
            var worker = await BatonTestHost.StartAsync(_ => { }, databasePath: path, time: observer.Time);
            var whileRunning = await observer.Inspector.GetLeaderAsync();

            await worker.DisposeAsync();

            Assert.Equal(worker.WorkerId, whileRunning?.WorkerId);
            Assert.False(observer.IsLeader);
            Assert.Null(await observer.Inspector.GetLeaderAsync());
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Fact]
    public async Task GetLeader_ProcessWithoutWorker_NeverLeadsAndReportsNone()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.Configure(o => o.RunWorker = false));

        Assert.False(host.IsLeader);
        Assert.Null(await host.Inspector.GetLeaderAsync());
    }
}

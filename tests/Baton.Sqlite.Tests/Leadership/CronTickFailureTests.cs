using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Sqlite.Tests.Leadership;

public sealed class CronTickFailureTests
{
    private const int CronFailedEventId = 1005;

    [Fact]
    public async Task OnCron_DatabaseRefusesTheTick_TickRetriedAfterPollIntervalAndFiresOnce()
    {
        using var db = new TempDatabase();
        var store = new FaultInjectingStore(new SqliteStore(new SqliteStoreOptions { Path = db.Path }));
        var logs = new LogSink();
        await using var host = await BatonTestHost.StartAsync(
            b => b.UseStore(_ => store).AddFunction<object>("every-minute", f => f.OnCron("* * * * *"), _ => Task.CompletedTask),
            services: s => s.AddLogging(l => l.AddProvider(logs)),
            databasePath: db.Path);
        store.RefuseIngest = c => c.CronTick is not null;

        host.Advance(TimeSpan.FromMinutes(1));
        await logs.WaitForAsync(e => e.EventId.Id == CronFailedEventId);
        store.RefuseIngest = _ => false;
        host.Advance(new BatonOptions().PollInterval);
        var runs = await Cluster.WaitForRunsAsync([host], "every-minute", 1);

        var run = Assert.Single(runs);
        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(1), run.Events[0].Timestamp);
        Assert.Equal(RunStatus.Completed, run.Status);
    }
}

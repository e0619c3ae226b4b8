using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Sqlite.Tests.Leadership;

/// <summary>A single worker restarted on its database: ticks missed while it was down fire once if recent enough.</summary>
public sealed class CronRestartTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    [Fact]
    public async Task Restart_TickFellDueWithinCatchUpWhileDown_FiresOnceOnStart()
    {
        using var db = new TempDatabase();
        var time = new FakeTimeProvider(Start);
        await using (var before = await StartAsync(db, time, "* * * * *"))
        {
            before.Advance(TimeSpan.FromMinutes(1));
            await Cluster.WaitForRunsAsync([before], "report", 1);
            before.Advance(TimeSpan.FromSeconds(50));
        }

        // Down from 01:50 to 02:20: the 02:00 tick fell due meanwhile, 20 s ago.
        time.Advance(TimeSpan.FromSeconds(30));
        await using var after = await StartAsync(db, time, "* * * * *");
        var runs = await Cluster.WaitForRunsAsync([after], "report", 2);

        Assert.Equal([Start.AddMinutes(1), Start.AddMinutes(2)], runs.Select(r => r.Events[0].Timestamp));
    }

    [Fact]
    public async Task Restart_TickFellDueLongerAgoThanCatchUp_SkippedAndScheduleContinues()
    {
        using var db = new TempDatabase();
        var time = new FakeTimeProvider(Start);
        await using (var before = await StartAsync(db, time, "*/5 * * * *"))
        {
            before.Advance(TimeSpan.FromMinutes(5));
            await Cluster.WaitForRunsAsync([before], "report", 1);
        }

        // Down from 00:05 to 00:12: the 00:10 tick is two minutes old, older than the one-minute catch-up.
        time.Advance(TimeSpan.FromMinutes(7));
        await using var after = await StartAsync(db, time, "*/5 * * * *");
        after.Advance(TimeSpan.FromMinutes(3));
        var runs = await Cluster.WaitForRunsAsync([after], "report", 2);

        Assert.Equal([Start.AddMinutes(5), Start.AddMinutes(15)], runs.Select(r => r.Events[0].Timestamp));
    }

    private static Task<BatonTestHost> StartAsync(TempDatabase db, FakeTimeProvider time, string schedule)
        => BatonTestHost.StartAsync(b => b.AddFunction<object>("report", f => f.OnCron(schedule), _ => Task.CompletedTask), databasePath: db.Path, time: time);
}

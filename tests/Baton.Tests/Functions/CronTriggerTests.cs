using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Functions;

public sealed class CronTriggerTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    [Fact]
    public async Task OnCron_ClockReachesTick_StartsOneRun()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "every-5",
            f => f.OnCron("*/5 * * * *"),
            ctx => Task.FromResult(ctx.Event.Timestamp.ToString("O"))));

        host.Advance(TimeSpan.FromMinutes(4));
        host.Advance(TimeSpan.FromMinutes(1));

        var run = Assert.Single(await host.WaitForRunsOfAsync("every-5", 1));
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(Start.AddMinutes(5), run.CreatedAt);
        Assert.Equal(Start.AddMinutes(5), run.Events[0].Timestamp);
    }

    [Fact]
    public async Task OnCron_ClockAdvancesTickByTick_StartsOneRunPerTick()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "every-5",
            f => f.OnCron("*/5 * * * *"),
            _ => Task.CompletedTask));

        for (var tick = 1; tick <= 3; tick++)
        {
            host.Advance(TimeSpan.FromMinutes(5));
            await host.WaitForRunsOfAsync("every-5", tick);
        }

        var runs = await host.RunsOfAsync("every-5");
        Assert.Equal([Start.AddMinutes(5), Start.AddMinutes(10), Start.AddMinutes(15)], runs.Select(r => r.Events[0].Timestamp));
        Assert.Equal(3, runs.Select(r => r.EventId).Distinct().Count());
    }

    [Fact]
    public async Task OnCron_ClockMovesWithinATick_DoesNotFireItAgain()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "every-5",
            f => f.OnCron("*/5 * * * *"),
            _ => Task.CompletedTask));

        host.Advance(TimeSpan.FromMinutes(5));
        await host.WaitForRunsOfAsync("every-5", 1);
        for (var i = 0; i < 4; i++)
        {
            host.Advance(TimeSpan.FromMinutes(1));
        }

        host.Advance(TimeSpan.FromMinutes(1));
        var runs = await host.WaitForRunsOfAsync("every-5", 2);

        Assert.Equal([Start.AddMinutes(5), Start.AddMinutes(10)], runs.Select(r => r.Events[0].Timestamp));
    }

    [Fact]
    public async Task OnCron_ClockJumpsPastSeveralTicks_FiresOnceForTheLatestTick()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "every-5",
            f => f.OnCron("*/5 * * * *"),
            _ => Task.CompletedTask));

        host.Advance(TimeSpan.FromMinutes(17));
        await host.WaitForRunsOfAsync("every-5", 1);
        host.Advance(TimeSpan.FromMinutes(3));
        var runs = await host.WaitForRunsOfAsync("every-5", 2);

        Assert.Equal([Start.AddMinutes(15), Start.AddMinutes(20)], runs.Select(r => r.Events[0].Timestamp));
    }

    [Fact]
    public async Task OnCron_ClockJumpsPastTicksWithinCatchUp_FiresEachMissedTickOnceInOrder()
    {
        // A late scheduler (paused or overloaded process) fires the ticks it missed within the catch-up limit,
        // not just the latest: a per-minute schedule late by 3.5 minutes with a 2-minute limit fires 2:00 and 3:00.
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("every-minute", f => f.OnCron("* * * * *"), _ => Task.CompletedTask)
            .Configure(o => o.CronCatchUp = TimeSpan.FromMinutes(2)));

        host.Advance(TimeSpan.FromMinutes(3.5));
        var runs = await host.WaitForRunsOfAsync("every-minute", 2);
        host.Advance(TimeSpan.FromMinutes(0.5));
        runs = await host.WaitForRunsOfAsync("every-minute", 3);

        Assert.Equal([Start.AddMinutes(2), Start.AddMinutes(3), Start.AddMinutes(4)], runs.Select(r => r.Events[0].Timestamp).Order());
    }

    [Fact]
    public async Task OnCron_TimeZone_FiresAtLocalTime()
    {
        // 1 July: London is on summer time (UTC+1), so 09:00 in London is 08:00 UTC.
        var start = new DateTimeOffset(2026, 7, 1, 7, 0, 0, TimeSpan.Zero);
        await using var host = await BatonTestHost.StartAsync(
            b => b
                .AddFunction<object>("london-9am", f => f.OnCron("0 9 * * *", "Europe/London"), _ => Task.CompletedTask)
                .AddFunction<object>("utc-9am", f => f.OnCron("0 9 * * *"), _ => Task.CompletedTask),
            start: start);

        host.Advance(TimeSpan.FromHours(1));
        var london = Assert.Single(await host.WaitForRunsOfAsync("london-9am", 1));
        Assert.Empty(await host.RunsOfAsync("utc-9am"));

        host.Advance(TimeSpan.FromHours(1));
        var utc = Assert.Single(await host.WaitForRunsOfAsync("utc-9am", 1));

        Assert.Equal(new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero), london.Events[0].Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero), utc.Events[0].Timestamp);
        Assert.Single(await host.RunsOfAsync("london-9am"));
    }
}

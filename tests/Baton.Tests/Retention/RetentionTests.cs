using Baton.Hosting;
using Baton.Storage;
using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.Retention;

public sealed class RetentionTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    [Fact]
    public async Task Retention_DefaultAges_LeaderPrunesOnlyWhatFinishedOrArrivedOverAWeekAgo()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("quick", f => f.OnEvent("t/quick"), _ => Task.CompletedTask)
            .AddFunction<object>("nap", f => f.OnEvent("t/nap"), async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromDays(30))));
        var old = await host.SendAndWaitAsync("t/quick");
        var napping = await host.StartRunAsync("t/nap", null, "nap");
        await host.WaitForStatusAsync(napping, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromDays(3));
        var recent = await host.SendAndWaitAsync("t/quick");

        // The next pass after a week and one interval: the cutoff is then five minutes after the first run finished.
        var pruned = host.NextPassThatPrunes();
        host.Advance(TimeSpan.FromDays(4) + TimeSpan.FromMinutes(5));
        var pass = await pruned;

        Assert.Equal(new PruneResult(1, 2, 0), pass);
        Assert.Null(await host.Inspector.GetRunAsync(old.Id));
        Assert.Empty(await host.StepsAsync(old.Id));
        Assert.Equal(RunStatus.Completed, (await host.Inspector.GetRunAsync(recent.Id))?.Status);
        Assert.Equal([recent.EventId], (await host.Inspector.ListEventsAsync(new EventQuery())).Items.Select(e => e.Event.Id));

        // The sleeping run lost its event to retention, not its trigger: it still wakes and completes.
        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(napping))?.Status);
        host.Advance(TimeSpan.FromDays(23));
        var woke = await host.WaitForRunAsync(napping);
        Assert.Equal(RunStatus.Completed, woke.Status);
        Assert.Equal("t/nap", woke.Events[0].Name);
    }

    [Fact]
    public async Task Retention_SmallBatches_PassRepeatsUntilEverythingOldIsPruned()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o => o.Retention.BatchSize = 2)
            .AddFunction<object>("quick", f => f.OnEvent("t/quick"), _ => Task.CompletedTask));
        var runs = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            runs.Add((await host.SendAndWaitAsync("t/quick")).Id);
        }

        var pruned = host.NextPassThatPrunes();
        host.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(5));

        Assert.Equal(new PruneResult(5, 5, 0), await pruned);
        Assert.Empty((await host.Inspector.ListRunsAsync(new RunQuery())).Items);
        Assert.Empty((await host.Inspector.ListEventsAsync(new EventQuery())).Items);
    }

    [Theory]
    [InlineData(null, 23.0, "EventsAfter")]
    [InlineData(0.0, null, "RunsAfter")]
    public async Task Start_InvalidRetention_ThrowsArgumentExceptionNamingIt(double? runsAfterHours, double? eventsAfterHours, string parameter)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => BatonTestHost.StartAsync(b => b.Configure(o =>
        {
            o.Retention.RunsAfter = runsAfterHours is { } runs ? TimeSpan.FromHours(runs) : null;
            o.Retention.EventsAfter = eventsAfterHours is { } events ? TimeSpan.FromHours(events) : null;
        })));

        Assert.Equal(parameter, error.ParamName);
    }
}

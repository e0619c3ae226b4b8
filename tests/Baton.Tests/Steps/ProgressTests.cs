using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Steps;

public sealed class ProgressTests
{
    [Fact]
    public async Task Report_EveryNReports_PersistsAtMostThatOften()
    {
        var gate = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o =>
            {
                o.Progress.EveryReports = 3;
                o.Progress.Interval = TimeSpan.FromHours(1);
            })
            .AddFunction<object>(
                "pages",
                f => f.OnEvent("pages/go"),
                async ctx =>
                {
                    for (var page = 1; page <= 5; page++)
                    {
                        ctx.Progress.Report(page, 10, $"page {page}");
                    }

                    // A committed step orders the progress writes queued before it.
                    await ctx.Step.Run("checkpoint", () => Task.FromResult(0));
                    await ctx.Step.Run("hold", token => gate.PassAsync(token));
                    ctx.Progress.Report(6, 10, "page 6");
                }));

        var runId = await host.StartRunAsync("pages/go", null, "pages");
        await gate.WaitEnteredAsync();
        var during = await host.Inspector.GetRunAsync(runId);
        gate.Release();
        var run = await host.WaitForRunAsync(runId);

        // Reports 1 (nothing was saved yet) and 4 (three reports later) were saved; 5 was not.
        Assert.Equal(new RunProgress(4, 10, "page 4", BatonTestHost.DefaultStart), during!.Progress);

        // Report 6 is not a save point, but the final value is always written with the outcome.
        Assert.Equal(new RunProgress(6, 10, "page 6", BatonTestHost.DefaultStart), run.Progress);
    }

    [Fact]
    public async Task Report_AfterInterval_PersistsEvenBeforeNReports()
    {
        var first = new Gate();
        var second = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o =>
            {
                o.Progress.EveryReports = 1000;
                o.Progress.Interval = TimeSpan.FromSeconds(10);
            })
            .AddFunction<object>(
                "timed",
                f => f.OnEvent("timed/go"),
                async ctx =>
                {
                    ctx.Progress.Report(1, null, "one");
                    ctx.Progress.Report(2, null, "two");
                    await ctx.Step.Run("checkpoint", () => Task.FromResult(0));
                    await ctx.Step.Run("first", token => first.PassAsync(token));
                    ctx.Progress.Report(3, null, "three");
                    await ctx.Step.Run("checkpoint", () => Task.FromResult(0));
                    await ctx.Step.Run("second", token => second.PassAsync(token));
                }));

        var runId = await host.StartRunAsync("timed/go", null, "timed");
        await first.WaitEnteredAsync();
        var beforeInterval = (await host.Inspector.GetRunAsync(runId))!.Progress;
        host.Advance(TimeSpan.FromSeconds(10));
        first.Release();
        await second.WaitEnteredAsync();
        var afterInterval = (await host.Inspector.GetRunAsync(runId))!.Progress;
        second.Release();
        await host.WaitForRunAsync(runId);

        Assert.Equal(1, beforeInterval!.Done);
        Assert.Equal(new RunProgress(3, null, "three", BatonTestHost.DefaultStart.AddSeconds(10)), afterInterval);
    }

    [Fact]
    public async Task Report_RunSleeps_LatestProgressIsPersistedWithThePause()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o => o.Progress.EveryReports = 100)
            .AddFunction<object>(
                "sleepy",
                f => f.OnEvent("sleepy/go"),
                async ctx =>
                {
                    ctx.Progress.Report(1, 3);
                    ctx.Progress.Report(2, 3, "half way");
                    await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
                    ctx.Progress.Report(3, 3, "done");
                }));

        var runId = await host.StartRunAsync("sleepy/go", null, "sleepy");
        var sleeping = await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(new RunProgress(2, 3, "half way", BatonTestHost.DefaultStart), sleeping.Progress);
        Assert.Equal(new RunProgress(3, 3, "done", BatonTestHost.DefaultStart.AddMinutes(1)), run.Progress);
    }

    [Fact]
    public async Task Report_RunResumes_ReplayedReportsDoNotMoveProgressBackwards()
    {
        var hold = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o => o.Progress.EveryReports = 100)
            .AddFunction<object>(
                "resumes",
                f => f.OnEvent("resumes/go"),
                async ctx =>
                {
                    for (var page = 1; page <= 3; page++)
                    {
                        await ctx.Step.Run("page", () => Task.FromResult(page));
                        ctx.Progress.Report(page, 3, $"page {page}");
                    }

                    await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
                    await ctx.Step.Run("hold", token => hold.PassAsync(token));
                }));

        var runId = await host.StartRunAsync("resumes/go", null, "resumes");
        var sleeping = await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        await hold.WaitEnteredAsync();
        var resumed = (await host.Inspector.GetRunAsync(runId))!.Progress;
        hold.Release();
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(3, sleeping.Progress!.Done);
        Assert.Equal(sleeping.Progress, resumed);
        Assert.Equal(sleeping.Progress, run.Progress);
    }

    [Fact]
    public async Task Report_RunFails_FinalProgressIsKept()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o => o.Progress.EveryReports = 100)
            .AddFunction<object>(
                "fails",
                f => f.OnEvent("fails/go").Retries(0),
                async ctx =>
                {
                    ctx.Progress.Report(1, 2, "first");
                    ctx.Progress.Report(2, 2, "second");
                    await ctx.Step.Run("boom", () => Task.FromException(new InvalidOperationException("boom")));
                }));

        var run = await host.SendAndWaitAsync("fails/go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(2, run.Progress!.Done);
    }
}

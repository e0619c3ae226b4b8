using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Steps;

public sealed class SleepStepTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    [Fact]
    public async Task Sleep_BeforeWakeTime_StaysSleepingThenCompletes()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "nap",
            f => f.OnEvent("nap/go"),
            async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromDays(30))));

        var runId = await host.StartRunAsync("nap/go", null, "nap");
        var sleeping = await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromDays(29));

        Assert.Equal(Start.AddDays(30), sleeping.DueAt);
        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(runId))!.Status);
        var step = Assert.Single(await host.StepsAsync(runId));
        Assert.Equal(StepKind.Sleep, step.Kind);
        Assert.Equal(StepStatus.Waiting, step.Status);
        Assert.Equal(Start.AddDays(30), step.WakeAt);

        host.Advance(TimeSpan.FromDays(1));
        var run = await host.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(Start.AddDays(30), run.FinishedAt);
        Assert.Equal(StepStatus.Completed, (await host.StepsAsync(runId))[0].Status);
    }

    [Fact]
    public async Task SleepUntil_FutureInstant_WakesThen()
    {
        var wakeAt = Start.AddHours(5).AddMinutes(3);
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "until",
            f => f.OnEvent("until/go"),
            async ctx => await ctx.Step.SleepUntil("until", wakeAt)));

        var runId = await host.StartRunAsync("until/go", null, "until");
        var sleeping = await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(wakeAt - Start);
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(wakeAt, sleeping.DueAt);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(wakeAt, run.FinishedAt);
    }

    [Fact]
    public async Task SleepUntil_PastInstant_CompletesAtOnce()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "past",
            f => f.OnEvent("past/go"),
            async ctx =>
            {
                await ctx.Step.SleepUntil("yesterday", Start.AddDays(-1));
                return await ctx.Step.Run("after", () => Task.FromResult("done"));
            }));

        var run = await host.SendAndWaitAsync("past/go");

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("\"done\"", run.Output);
        Assert.Equal(Start, run.FinishedAt);
        var sleep = (await host.StepsAsync(run.Id))[0];
        Assert.Equal(StepStatus.Completed, sleep.Status);
        Assert.Equal(Start, sleep.FinishedAt);
    }

    [Fact]
    public async Task Sleep_LongerThanAYear_FailsRunWithInvalidStep()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "too-long",
            f => f.OnEvent("long/go"),
            async ctx => await ctx.Step.Sleep("forever", TimeSpan.FromDays(400))));

        var run = await host.SendAndWaitAsync("long/go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(typeof(InvalidStepException).FullName, run.Error!.Type);
        Assert.Contains("forever", run.Error.Message, StringComparison.Ordinal);
        Assert.Contains("one year", run.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sleep_OneYear_IsAllowed()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "year",
            f => f.OnEvent("year/go"),
            async ctx => await ctx.Step.Sleep("year", TimeSpan.FromDays(365))));

        var runId = await host.StartRunAsync("year/go", null, "year");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromDays(365));

        Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(runId)).Status);
    }

    [Fact]
    public async Task Sleep_Negative_FailsRunWithInvalidStep()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "negative",
            f => f.OnEvent("neg/go"),
            async ctx => await ctx.Step.Sleep("back", TimeSpan.FromSeconds(-1))));

        var run = await host.SendAndWaitAsync("neg/go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(typeof(InvalidStepException).FullName, run.Error!.Type);
    }
}

using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Retries;

public sealed class StepTimeoutTests
{
    [Fact]
    public async Task Run_StepOptionsTimeoutPasses_AttemptFailsWithStepTimeout()
    {
        var hung = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "hangs",
            f => f.OnEvent("hangs/go").Retries(0),
            async ctx => await ctx.Step.Run("call", token => hung.PassAsync(token), new StepOptions { Timeout = TimeSpan.FromSeconds(5) })));

        var runId = await host.StartRunAsync("hangs/go", null, "hangs");
        await hung.WaitEnteredAsync();
        host.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(RunStatus.Running, (await host.Inspector.GetRunAsync(runId))!.Status);
        host.Advance(TimeSpan.FromSeconds(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(typeof(StepTimeoutException).FullName, run.Error!.Type);
        var step = Assert.Single(await host.StepsAsync(runId));
        var attempt = Assert.Single(step.FailedAttempts);
        Assert.Equal(typeof(StepTimeoutException).FullName, attempt.Error.Type);
        Assert.Equal(BatonTestHost.DefaultStart, attempt.StartedAt);
        Assert.Equal(BatonTestHost.DefaultStart.AddSeconds(5), attempt.FinishedAt);
    }

    [Fact]
    public async Task Run_FunctionStepTimeout_TimedOutAttemptIsRetried()
    {
        var executions = 0;
        var hung = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, int>(
            "hangs-once",
            f => f.OnEvent("hangs/go").StepTimeout(TimeSpan.FromSeconds(10)),
            async ctx => await ctx.Step.Run("call", async token =>
            {
                if (++executions == 1)
                {
                    await hung.PassAsync(token);
                }

                return executions;
            })));

        var runId = await host.StartRunAsync("hangs/go", null, "hangs-once");
        await hung.WaitEnteredAsync();
        host.Advance(TimeSpan.FromSeconds(10));
        var (run, delays) = await host.AdvanceThroughRetriesAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("2", run.Output);
        Assert.Single(delays);
        var step = Assert.Single(await host.StepsAsync(runId));
        Assert.Equal(2, step.Attempts);
        Assert.Equal(typeof(StepTimeoutException).FullName, Assert.Single(step.FailedAttempts).Error.Type);
    }

    [Fact]
    public async Task Run_StepIgnoresItsToken_AttemptStillTimesOut()
    {
        var ignored = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "deaf",
            f => f.OnEvent("deaf/go").Retries(0),
            async ctx => await ctx.Step.Run("call", _ => ignored.PassAsync(), new StepOptions { Timeout = TimeSpan.FromSeconds(3) })));

        var runId = await host.StartRunAsync("deaf/go", null, "deaf");
        await ignored.WaitEnteredAsync();
        host.Advance(TimeSpan.FromSeconds(3));
        var run = await host.WaitForRunAsync(runId);
        ignored.Release();

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(typeof(StepTimeoutException).FullName, run.Error!.Type);
    }
}

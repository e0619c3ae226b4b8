using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Retries;

public sealed class FunctionRetryTests
{
    [Fact]
    public async Task Body_ThrowsOutsideStepsThenSucceeds_IsRetriedWithoutRerunningSteps()
    {
        var stepExecutions = 0;
        var attemptsSeen = new List<int>();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, int>(
            "outside",
            f => f.OnEvent("outside/go"),
            async ctx =>
            {
                var value = await ctx.Step.Run("load", () => { stepExecutions++; return Task.FromResult(7); });
                attemptsSeen.Add(ctx.Attempt);
                if (ctx.Attempt < 2)
                {
                    throw new InvalidOperationException($"glitch {ctx.Attempt}");
                }

                return value;
            }));

        var runId = await host.StartRunAsync("outside/go", null, "outside");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());
        Assert.Equal(1, parked.Attempt);
        Assert.Equal("glitch 0", parked.Error!.Message);
        var (run, delays) = await host.AdvanceThroughRetriesAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("7", run.Output);
        Assert.Equal(2, run.Attempt);
        Assert.Equal(2, delays.Count);
        Assert.Equal([0, 1, 2], attemptsSeen);
        Assert.Equal(1, stepExecutions);
    }

    [Fact]
    public async Task Body_AlwaysThrowsOutsideSteps_FailsAfterAllAttempts()
    {
        var executions = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "broken-body",
            f => f.OnEvent("broken/go").Retries(2),
            ctx =>
            {
                executions++;
                throw new FormatException($"bad data {ctx.Attempt}");
            }));

        var runId = await host.StartRunAsync("broken/go", null, "broken-body");
        var (run, delays) = await host.AdvanceThroughRetriesAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(3, executions);
        Assert.Equal(2, delays.Count);
        Assert.Equal(typeof(FormatException).FullName, run.Error!.Type);
        Assert.Equal("bad data 2", run.Error.Message);
        // RunInfo.Attempt counts the failures before the latest execution (the third one here).
        Assert.Equal(2, run.Attempt);
    }

    [Fact]
    public async Task Body_ThrowsNonRetriableOutsideSteps_FailsAtOnce()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "fatal",
            f => f.OnEvent("fatal/go"),
            _ => throw new NonRetriableException("unsupported marketplace")));

        var run = await host.SendAndWaitAsync("fatal/go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("unsupported marketplace", run.Error!.Message);
        Assert.Equal(0, run.Attempt);
    }

    [Fact]
    public async Task Body_ThrowsRetryAfterOutsideSteps_RetriesAtThatDelay()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, int>(
            "later",
            f => f.OnEvent("later/go"),
            ctx => ctx.Attempt == 0 ? throw new RetryAfterException(TimeSpan.FromMinutes(3), "not yet") : Task.FromResult(ctx.Attempt)));

        var runId = await host.StartRunAsync("later/go", null, "later");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());
        host.Advance(TimeSpan.FromMinutes(3));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(3), parked.DueAt);
        Assert.Equal("1", run.Output);
    }
}

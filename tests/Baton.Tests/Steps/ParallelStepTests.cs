using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Steps;

public sealed class ParallelStepTests
{
    [Fact]
    public async Task Run_InParallelWithSameName_GetsDeterministicIdsAndBothResults()
    {
        var slow = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "parallel",
            f => f.OnEvent("parallel/go"),
            async ctx =>
            {
                // The first-requested step finishes last: identity must follow request order, not timing.
                var results = await Task.WhenAll(
                    ctx.Step.Run("fetch", async token =>
                    {
                        await slow.PassAsync(token);
                        return "first";
                    }),
                    ctx.Step.Run("fetch", () =>
                    {
                        slow.Release();
                        return Task.FromResult("second");
                    }));
                return string.Join('+', results);
            }));

        var run = await host.SendAndWaitAsync("parallel/go");

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("first+second", run.OutputAs<string>());
        var steps = await host.StepsAsync(run.Id);
        Assert.Equal([("fetch", 0, "\"first\""), ("fetch#2", 1, "\"second\"")], steps.Select(s => (s.Id, s.Position, s.Output!)));
    }

    [Fact]
    public async Task Run_ParallelStepsThenSleep_ReplayReturnsBothWithoutRerunning()
    {
        var executions = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, int>(
            "parallel-sleep",
            f => f.OnEvent("parallel/go"),
            async ctx =>
            {
                var values = await Task.WhenAll(
                    ctx.Step.Run("a", () => { Interlocked.Increment(ref executions); return Task.FromResult(1); }),
                    ctx.Step.Run("b", () => { Interlocked.Increment(ref executions); return Task.FromResult(2); }),
                    ctx.Step.Run("a", () => { Interlocked.Increment(ref executions); return Task.FromResult(3); }));
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(5));
                return values[0] * 100 + values[1] * 10 + values[2];
            }));

        var runId = await host.StartRunAsync("parallel/go", null, "parallel-sleep");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(5));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal("123", run.Output);
        Assert.Equal(3, executions);
        Assert.Equal(["a", "b", "a#2", "nap"], (await host.StepsAsync(runId)).Select(s => s.Id));
    }

    [Fact]
    public async Task Sleep_InParallel_WakesAtTheLaterOneAndRecordsBoth()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "parallel-naps",
            f => f.OnEvent("parallel/go"),
            async ctx => await Task.WhenAll(
                ctx.Step.Sleep("short", TimeSpan.FromMinutes(1)),
                ctx.Step.Sleep("long", TimeSpan.FromMinutes(3)))));

        var runId = await host.StartRunAsync("parallel/go", null, "parallel-naps");
        var first = await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(1), first.DueAt);
        host.Advance(TimeSpan.FromMinutes(1));
        await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Sleeping && r.DueAt == BatonTestHost.DefaultStart.AddMinutes(3));
        host.Advance(TimeSpan.FromMinutes(2));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(3), run.FinishedAt);
        Assert.All(await host.StepsAsync(runId), s => Assert.Equal(StepStatus.Completed, s.Status));
    }
}

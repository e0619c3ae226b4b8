using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Steps;

public sealed class DeterminismTests
{
    [Fact]
    public async Task Replay_StepRenamedAfterFirstExecution_FailsNamingBothSteps()
    {
        var deployedNewCode = false;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "changing",
            f => f.OnEvent("changing/go"),
            async ctx =>
            {
                await ctx.Step.Run(deployedNewCode ? "charge-card" : "reserve-stock", () => Task.FromResult(1));
                deployedNewCode = true;
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
            }));

        var runId = await host.StartRunAsync("changing/go", null, "changing");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains(nameof(DeterminismException), run.Error!.Type, StringComparison.Ordinal);
        Assert.Contains("reserve-stock", run.Error.Message, StringComparison.Ordinal);
        Assert.Contains("charge-card", run.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, run.Attempt);
    }

    [Fact]
    public async Task Replay_StepKindChanged_FailsWithDeterminismError()
    {
        var replaying = false;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "kind-change",
            f => f.OnEvent("kind/go"),
            async ctx =>
            {
                if (replaying)
                {
                    await ctx.Step.Sleep("work", TimeSpan.FromSeconds(1));
                }
                else
                {
                    await ctx.Step.Run("work", () => Task.FromResult(1));
                }

                replaying = true;
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
            }));

        var runId = await host.StartRunAsync("kind/go", null, "kind-change");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains(nameof(DeterminismException), run.Error!.Type, StringComparison.Ordinal);
        Assert.Contains("Run", run.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Sleep", run.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_StepsReordered_FailsWithDeterminismError()
    {
        var replaying = false;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "reorder",
            f => f.OnEvent("reorder/go"),
            async ctx =>
            {
                foreach (var name in replaying ? new[] { "second", "first" } : ["first", "second"])
                {
                    await ctx.Step.Run(name, () => Task.FromResult(name));
                }

                replaying = true;
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
            }));

        var runId = await host.StartRunAsync("reorder/go", null, "reorder");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains(nameof(DeterminismException), run.Error!.Type, StringComparison.Ordinal);
        Assert.Contains("first", run.Error.Message, StringComparison.Ordinal);
        Assert.Contains("second", run.Error.Message, StringComparison.Ordinal);
    }
}

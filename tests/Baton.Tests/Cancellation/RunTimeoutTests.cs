using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Cancellation;

public sealed class RunTimeoutTests
{
    [Fact]
    public async Task StartTimeout_RunWaitsInQueueTooLong_FailsWithStartTimeout()
    {
        var gate = new Gate();
        var bodies = new List<string>();
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o =>
            {
                o.MaxConcurrentRuns = 1;
                o.LeaseDuration = TimeSpan.FromHours(1);
            })
            .AddFunction<string>(
                "queued-job",
                f => f.OnEvent("job/go").StartTimeout(TimeSpan.FromMinutes(1)),
                async ctx =>
                {
                    bodies.Add(ctx.Data);
                    await ctx.Step.Run("work", token => ctx.Data == "blocker" ? gate.PassAsync(token) : Task.CompletedTask);
                }));
        var blocker = await host.StartRunAsync("job/go", "blocker", "queued-job");
        await gate.WaitEnteredAsync();
        var late = await host.StartRunAsync("job/go", "late", "queued-job");

        host.Advance(TimeSpan.FromMinutes(2));
        gate.Release();
        var first = await host.WaitForRunAsync(blocker);
        var run = await host.WaitForRunAsync(late);

        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("StartTimeout", run.Error!.Type);
        Assert.Equal(["blocker"], bodies);
        Assert.Empty(await host.StepsAsync(late));
    }

    [Fact]
    public async Task StartTimeout_RunStartsInTime_Completes()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "prompt",
            f => f.OnEvent("job/go").StartTimeout(TimeSpan.FromMinutes(1)),
            async ctx =>
            {
                // Sleeping longer than the start timeout after starting is fine.
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(5));
            }));
        var runId = await host.StartRunAsync("job/go", null, "prompt");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        host.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(runId)).Status);
    }

    [Fact]
    public async Task FinishTimeout_RunSleepsPastDeadline_FailsWithFinishTimeoutAtDeadline()
    {
        var after = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "bounded",
            f => f.OnEvent("job/go").FinishTimeout(TimeSpan.FromMinutes(10)),
            async ctx =>
            {
                await ctx.Step.Sleep("nap", TimeSpan.FromHours(1));
                await ctx.Step.Run("after", () => Task.FromResult(++after));
            }));
        var runId = await host.StartRunAsync("job/go", null, "bounded");
        var sleeping = await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        host.Advance(TimeSpan.FromMinutes(10));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(10), sleeping.DueAt);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("FinishTimeout", run.Error!.Type);
        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(10), run.FinishedAt);
        Assert.Equal(0, after);
    }

    [Fact]
    public async Task FinishTimeout_StepStillRunningAtDeadline_FailsAndCancelsTheStepToken()
    {
        var hung = new Gate();
        var stepToken = CancellationToken.None;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "bounded-step",
            f => f.OnEvent("job/go").FinishTimeout(TimeSpan.FromSeconds(20)),
            async ctx => await ctx.Step.Run("hang", async token =>
            {
                stepToken = token;
                await hung.PassAsync(token);
            })));
        var runId = await host.StartRunAsync("job/go", null, "bounded-step");
        await hung.WaitEnteredAsync();

        host.Advance(TimeSpan.FromSeconds(20));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("FinishTimeout", run.Error!.Type);
        Assert.Equal(BatonTestHost.DefaultStart.AddSeconds(20), run.FinishedAt);
        Assert.True(stepToken.IsCancellationRequested);
    }

    [Fact]
    public async Task FinishTimeout_RetryDueAfterDeadline_FailsAtDeadline()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "bounded-retry",
            f => f.OnEvent("job/go").FinishTimeout(TimeSpan.FromMinutes(1)),
            _ => throw new RetryAfterException(TimeSpan.FromMinutes(10), "try later")));
        var runId = await host.StartRunAsync("job/go", null, "bounded-retry");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());

        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(1), parked.DueAt);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("FinishTimeout", run.Error!.Type);
        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(1), run.FinishedAt);
    }

    [Fact]
    public async Task FinishTimeout_StepRetryDueAfterDeadline_FailsAtDeadline()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "bounded-step-retry",
            f => f.OnEvent("job/go").FinishTimeout(TimeSpan.FromMinutes(1)),
            async ctx => await ctx.Step.Run("call", () => Task.FromException(new RetryAfterException(TimeSpan.FromMinutes(10), "429")))));
        var runId = await host.StartRunAsync("job/go", null, "bounded-step-retry");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());

        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(1), parked.DueAt);
        Assert.Equal("FinishTimeout", run.Error!.Type);
    }

    [Fact]
    public async Task FinishTimeout_RunFinishesInTime_Completes()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "in-time",
            f => f.OnEvent("job/go").FinishTimeout(TimeSpan.FromMinutes(10)),
            async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(9))));
        var runId = await host.StartRunAsync("job/go", null, "in-time");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        host.Advance(TimeSpan.FromMinutes(9));

        Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(runId)).Status);
    }
}

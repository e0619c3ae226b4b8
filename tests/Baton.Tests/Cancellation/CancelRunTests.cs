using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Tests.Cancellation;

public sealed class CancelRunTests
{
    [Fact]
    public async Task CancelRunAsync_SleepingRun_IsCancelledWithReasonAndNeverResumes()
    {
        var after = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "sleeper",
            f => f.OnEvent("sleep/go"),
            async ctx =>
            {
                await ctx.Step.Sleep("nap", TimeSpan.FromHours(1));
                await ctx.Step.Run("after", () => Task.FromResult(++after));
            }));
        var runId = await host.StartRunAsync("sleep/go", null, "sleeper");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        var cancelled = await host.Client.CancelRunAsync(runId, "customer withdrew");
        host.Advance(TimeSpan.FromHours(2));
        var run = await host.WaitForRunAsync(runId);

        Assert.True(cancelled);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal("customer withdrew", run.CancelReason);
        Assert.Equal(BatonTestHost.DefaultStart, run.FinishedAt);
        Assert.Null(run.DueAt);
        Assert.Equal(0, after);
        Assert.Equal(["nap"], (await host.StepsAsync(runId)).Select(s => s.Id));
    }

    [Fact]
    public async Task CancelRunAsync_Cancelled_PublishesChangeWithFunction()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "sleeper",
            f => f.OnEvent("sleep/go"),
            async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromHours(1))));
        var runId = await host.StartRunAsync("sleep/go", null, "sleeper");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        var changes = new List<BatonChange>();
        using (host.Changes.Subscribe(c =>
        {
            lock (changes)
            {
                changes.Add(c);
            }
        }))
        {
            await host.Client.CancelRunAsync(runId, "stop");
        }

        Assert.Contains(new RunChange(runId, "sleeper", RunStatus.Cancelled), changes);
    }

    [Fact]
    public async Task CancelRunAsync_StepInFlight_StepFinishesThenNoFurtherStepsRun()
    {
        var logs = new LogSink();
        var inFlight = new Gate();
        var finishedStep = 0;
        var laterSteps = 0;
        await using var host = await BatonTestHost.StartAsync(
            b => b.AddFunction<object>(
                "long-job",
                f => f.OnEvent("job/go"),
                async ctx =>
                {
                    await ctx.Step.Run("first", async token =>
                    {
                        await inFlight.PassAsync(CancellationToken.None);
                        finishedStep++;
                    });
                    await ctx.Step.Run("second", () => Task.FromResult(++laterSteps));
                    await ctx.Step.Run("third", () => Task.FromResult(++laterSteps));
                }),
            services => services.AddSingleton<ILoggerProvider>(logs));
        var runId = await host.StartRunAsync("job/go", null, "long-job");
        await inFlight.WaitEnteredAsync();

        var cancelled = await host.Client.CancelRunAsync(runId, "operator stop");
        var run = await host.WaitForRunAsync(runId);
        inFlight.Release();
        await logs.WaitForAsync(e => e.Message.Contains(runId, StringComparison.Ordinal) && e.Message.Contains("lease lost", StringComparison.Ordinal));

        Assert.True(cancelled);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal("operator stop", run.CancelReason);
        Assert.Equal(1, finishedStep);
        Assert.Equal(0, laterSteps);
        Assert.Empty(await host.StepsAsync(runId));
        var final = await host.Inspector.GetRunAsync(runId);
        Assert.Equal(RunStatus.Cancelled, final!.Status);
        Assert.Equal("operator stop", final.CancelReason);
    }

    [Fact]
    public async Task CancelRunAsync_FinishedRun_ReturnsFalseAndKeepsOutcome()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, int>(
            "quick",
            f => f.OnEvent("quick/go"),
            _ => Task.FromResult(1)));
        var run = await host.SendAndWaitAsync("quick/go");

        var cancelled = await host.Client.CancelRunAsync(run.Id, "too late");

        Assert.False(cancelled);
        var after = await host.Inspector.GetRunAsync(run.Id);
        Assert.Equal(RunStatus.Completed, after!.Status);
        Assert.Null(after.CancelReason);
    }

    [Fact]
    public async Task CancelRunAsync_CancelledTwice_SecondReturnsFalseAndKeepsFirstReason()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "sleeper",
            f => f.OnEvent("sleep/go"),
            async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromHours(1))));
        var runId = await host.StartRunAsync("sleep/go", null, "sleeper");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        Assert.True(await host.Client.CancelRunAsync(runId, "first"));
        Assert.False(await host.Client.CancelRunAsync(runId, "second"));

        Assert.Equal("first", (await host.Inspector.GetRunAsync(runId))!.CancelReason);
    }

    [Fact]
    public async Task CancelRunAsync_UnknownRun_ThrowsRunNotFound()
    {
        await using var host = await BatonTestHost.StartAsync(_ => { });

        var error = await Assert.ThrowsAsync<RunNotFoundException>(() => host.Client.CancelRunAsync("no-such-run", "why"));

        Assert.Equal("no-such-run", error.RunId);
    }

    [Fact]
    public async Task CancelRunAsync_QueuedRunNotStarted_NeverStarts()
    {
        var gate = new Gate();
        var started = new List<string>();
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o => o.MaxConcurrentRuns = 1)
            .AddFunction<string>("one-at-a-time", f => f.OnEvent("job/go"), async ctx =>
            {
                started.Add(ctx.Data);
                await ctx.Step.Run("work", token => ctx.Data == "blocker" ? gate.PassAsync(token) : Task.CompletedTask);
            }));
        var blocker = await host.StartRunAsync("job/go", "blocker", "one-at-a-time");
        await gate.WaitEnteredAsync();
        var queued = await host.StartRunAsync("job/go", "queued", "one-at-a-time");

        Assert.True(await host.Client.CancelRunAsync(queued, "not needed"));
        gate.Release();
        await host.WaitForRunAsync(blocker);
        var last = await host.StartRunAsync("job/go", "last", "one-at-a-time");
        await host.WaitForRunAsync(last);

        Assert.Equal(RunStatus.Cancelled, (await host.Inspector.GetRunAsync(queued))!.Status);
        Assert.Equal(["blocker", "last"], started);
        Assert.Null((await host.Inspector.GetRunAsync(queued))!.StartedAt);
    }
}

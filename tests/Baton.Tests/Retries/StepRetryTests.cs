using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Retries;

public sealed class StepRetryTests
{
    [Fact]
    public async Task Run_AlwaysThrows_FailsAfterFiveAttemptsWithTheStepError()
    {
        var executions = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "flaky",
            f => f.OnEvent("flaky/go"),
            async ctx => await ctx.Step.Run("call-api", () =>
            {
                executions++;
                return Task.FromException<int>(new HttpRequestException($"attempt {executions} failed"));
            })));

        var runId = await host.StartRunAsync("flaky/go", null, "flaky");
        var (run, delays) = await host.AdvanceThroughRetriesAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(5, executions);
        Assert.Equal(4, delays.Count);
        Assert.Equal(typeof(HttpRequestException).FullName, run.Error!.Type);
        Assert.Equal("attempt 5 failed", run.Error.Message);
        var step = Assert.Single(await host.StepsAsync(runId));
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal(5, step.Attempts);
        Assert.Equal([1, 2, 3, 4, 5], step.FailedAttempts.Select(a => a.Attempt));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"attempt {i} failed"), step.FailedAttempts.Select(a => a.Error.Message));
        Assert.All(step.FailedAttempts, a => Assert.Equal(typeof(HttpRequestException).FullName, a.Error.Type));
    }

    [Fact]
    public async Task Run_FailsThenSucceeds_CompletesWithAttemptHistory()
    {
        var executions = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "recovers",
            f => f.OnEvent("recovers/go"),
            async ctx => await ctx.Step.Run("call-api", () =>
            {
                executions++;
                return executions < 3 ? Task.FromException<string>(new TimeoutException("slow")) : Task.FromResult("ok");
            })));

        var runId = await host.StartRunAsync("recovers/go", null, "recovers");
        var (run, _) = await host.AdvanceThroughRetriesAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("\"ok\"", run.Output);
        var step = Assert.Single(await host.StepsAsync(runId));
        Assert.Equal(StepStatus.Completed, step.Status);
        Assert.Equal(3, step.Attempts);
        Assert.Equal(2, step.FailedAttempts.Count);
        Assert.Equal("\"ok\"", step.Output);
    }

    [Fact]
    public async Task Run_Retrying_IsVisibleOnTheStep()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "flaky",
            f => f.OnEvent("flaky/go"),
            async ctx => await ctx.Step.Run("call-api", () => Task.FromException(new InvalidOperationException("down")))));

        var runId = await host.StartRunAsync("flaky/go", null, "flaky");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());

        var step = Assert.Single(await host.StepsAsync(runId));
        Assert.Equal(StepStatus.Retrying, step.Status);
        Assert.Equal(1, step.Attempts);
        Assert.Equal("down", step.Error!.Message);
        Assert.Equal(parked.DueAt, step.WakeAt);
        Assert.Single(step.FailedAttempts);
    }

    [Fact]
    public async Task Run_NonRetriableException_FailsAtOnce()
    {
        var executions = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "strict",
            f => f.OnEvent("strict/go"),
            async ctx => await ctx.Step.Run("validate", () =>
            {
                executions++;
                return Task.FromException(new NonRetriableException("bad input"));
            })));

        var run = await host.SendAndWaitAsync("strict/go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(1, executions);
        Assert.Equal(typeof(NonRetriableException).FullName, run.Error!.Type);
        Assert.Equal("bad input", run.Error.Message);
        var step = Assert.Single(await host.StepsAsync(run.Id));
        Assert.Equal(1, step.Attempts);
        Assert.Single(step.FailedAttempts);
    }

    [Fact]
    public async Task Run_RetryAfterException_NextAttemptAtExactlyThatDelay()
    {
        var executions = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, int>(
            "rate-limited",
            f => f.OnEvent("rl/go"),
            async ctx => await ctx.Step.Run("call-api", () =>
            {
                executions++;
                return executions == 1
                    ? Task.FromException<int>(new RetryAfterException(TimeSpan.FromSeconds(42), "429 Too Many Requests"))
                    : Task.FromResult(executions);
            })));

        var runId = await host.StartRunAsync("rl/go", null, "rate-limited");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());
        var step = Assert.Single(await host.StepsAsync(runId));
        host.Advance(TimeSpan.FromSeconds(41));
        Assert.Equal(RunStatus.Queued, (await host.Inspector.GetRunAsync(runId))!.Status);
        host.Advance(TimeSpan.FromSeconds(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(BatonTestHost.DefaultStart.AddSeconds(42), step.WakeAt);
        Assert.Equal(step.FailedAttempts[0].FinishedAt + TimeSpan.FromSeconds(42), step.WakeAt);
        Assert.Equal(step.WakeAt, parked.DueAt);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("2", run.Output);
        Assert.Equal(BatonTestHost.DefaultStart.AddSeconds(42), run.FinishedAt);
    }

    [Fact]
    public async Task Run_StepOptionsRetries_OverridesFunctionPolicy()
    {
        var executions = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "override",
            f => f.OnEvent("override/go").Retries(10),
            async ctx => await ctx.Step.Run(
                "call-api",
                () =>
                {
                    executions++;
                    return Task.FromException(new InvalidOperationException("no"));
                },
                new StepOptions { Retries = 1 })));

        var runId = await host.StartRunAsync("override/go", null, "override");
        var (run, delays) = await host.AdvanceThroughRetriesAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(2, executions);
        Assert.Single(delays);
        Assert.Equal(2, Assert.Single(await host.StepsAsync(runId)).Attempts);
    }

    public static TheoryData<StepOptions> BadOptions => new()
    {
        new StepOptions { Retries = -1 },
        new StepOptions { Retries = 1001 },
        new StepOptions { Timeout = TimeSpan.Zero },
        new StepOptions { Timeout = TimeSpan.FromSeconds(-5) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Run_InvalidStepOptions_FailsAtOnceWithoutRunningTheStep(StepOptions options)
    {
        var executions = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "bad-options",
            f => f.OnEvent("bad/go"),
            async ctx => await ctx.Step.Run("call", () => Task.FromResult(++executions), options)));

        var run = await host.SendAndWaitAsync("bad/go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(typeof(InvalidStepException).FullName, run.Error!.Type);
        Assert.Contains("StepOptions", run.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, executions);
    }

    [Fact]
    public async Task Run_FunctionRetries_SetsAttemptBudgetOfEachStep()
    {
        var executions = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "budget",
            f => f.OnEvent("budget/go").Retries(2),
            async ctx =>
            {
                await ctx.Step.Run("a", () => ++executions["a"] < 3 ? Task.FromException(new InvalidOperationException("a")) : Task.CompletedTask);
                await ctx.Step.Run("b", () =>
                {
                    executions["b"]++;
                    return Task.FromException(new InvalidOperationException("b"));
                });
            }));

        var runId = await host.StartRunAsync("budget/go", null, "budget");
        var (run, _) = await host.AdvanceThroughRetriesAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(3, executions["a"]);
        Assert.Equal(3, executions["b"]);
        Assert.Equal([(StepStatus.Completed, 3), (StepStatus.Failed, 3)], (await host.StepsAsync(runId)).Select(s => (s.Status, s.Attempts)));
    }

    [Fact]
    public async Task Run_StepFailureCaught_FunctionContinues()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "catches",
            f => f.OnEvent("catches/go"),
            async ctx =>
            {
                try
                {
                    await ctx.Step.Run("primary", () => Task.FromException<string>(new NonRetriableException("primary down")));
                    return "primary";
                }
                catch (StepFailedException e) when (e.StepId == "primary")
                {
                    return await ctx.Step.Run("fallback", () => Task.FromResult($"fallback after {e.Attempts}: {e.Error.Message}"));
                }
            }));

        var run = await host.SendAndWaitAsync("catches/go");

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("\"fallback after 1: primary down\"", run.Output);
        Assert.Equal([StepStatus.Failed, StepStatus.Completed], (await host.StepsAsync(run.Id)).Select(s => s.Status));
    }

    [Fact]
    public async Task Run_StepFailureCaughtBeforeSleep_ReplayRethrowsRecordedFailure()
    {
        var executions = 0;
        var caught = new List<string>();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "catch-replay",
            f => f.OnEvent("catch/go"),
            async ctx =>
            {
                try
                {
                    await ctx.Step.Run("primary", () =>
                    {
                        executions++;
                        return Task.FromException(new NonRetriableException("down"));
                    });
                }
                catch (StepFailedException e)
                {
                    caught.Add(e.Error.Message);
                }

                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
            }));

        var runId = await host.StartRunAsync("catch/go", null, "catch-replay");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(1, executions);
        Assert.Equal(["down", "down"], caught);
    }
}

using System.Net;
using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Resources;

public sealed class ResourceStepTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    [Fact]
    public async Task RunStep_UndeclaredResource_FailsAtTheCallNamingIt()
    {
        var bodyRan = false;
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("known", r => r.PerSecond(1))
            .AddFunction<object>("f", f => f.OnEvent("go").Retries(0), async ctx => await ctx.Step.Run("call", () =>
            {
                bodyRan = true;
                return Task.CompletedTask;
            }, resource: "ebay:EBAY_XX")));

        var run = await host.SendAndWaitAsync("go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("resource 'ebay:EBAY_XX' is not declared", run.Error!.Message, StringComparison.Ordinal);
        Assert.False(bodyRan);
    }

    [Fact]
    public async Task RunStep_CostAboveBurst_FailsAtTheCall()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("api", r => r.PerSecond(5, burst: 2))
            .AddFunction<object>("f", f => f.OnEvent("go").Retries(0), async ctx => await ctx.Step.Run("call", () => Task.CompletedTask, resource: "api", cost: 3)));

        var run = await host.SendAndWaitAsync("go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("exceeds the burst (2)", run.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunStep_NoCapacity_ParksQueuedUntilCapacityReturns_HoldingNoLease()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("api", r => r.PerSecond(1))
            .AddFunction<object>("f", f => f.OnEvent("go"), async ctx =>
            {
                await ctx.Step.Run("first", () => Task.CompletedTask, resource: "api");
                await ctx.Step.Run("second", () => Task.CompletedTask, resource: "api");
            }));

        var runId = await host.StartRunAsync("go", null, "f");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());
        var steps = await host.StepsAsync(runId);

        Assert.Equal(Start + TimeSpan.FromSeconds(1), parked.DueAt);
        Assert.Equal(StepStatus.Completed, steps[0].Status);
        Assert.Equal(StepStatus.Waiting, steps[1].Status);
        Assert.Equal(0, steps[1].Attempts);
        Assert.Equal(Start + TimeSpan.FromSeconds(1), steps[1].WakeAt);

        host.Advance(TimeSpan.FromSeconds(1));
        var done = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, done.Status);
        var second = (await host.StepsAsync(runId))[1];
        Assert.Equal(1, second.Attempts);
        Assert.Equal(Start + TimeSpan.FromSeconds(1), second.FinishedAt);
    }

    [Fact]
    public async Task RunStep_ManyRunsWaiting_WakeOneAfterAnotherInArrivalOrder()
    {
        const int count = 8;
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("api", r => r.PerSecond(2))
            .AddFunction<int>("f", f => f.OnEvent("go"), async ctx => await ctx.Step.Run("call", () => Task.FromResult(ctx.Data), resource: "api")));

        var runIds = new List<string>();
        for (var i = 0; i < count; i++)
        {
            runIds.Add(await host.StartRunAsync("go", i, "f"));
            await host.WaitForRunAsync(runIds[^1], r => HostWaits.IsFinished(r) || (r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow()));
        }

        var wakes = new List<DateTimeOffset>();
        foreach (var runId in runIds.Skip(1))
        {
            wakes.Add((await host.Inspector.GetRunAsync(runId))!.DueAt!.Value);
        }

        // One wake time each, half a second apart, in the order the runs asked: no herd, and nobody jumps the queue.
        Assert.Equal(Enumerable.Range(1, count - 1).Select(i => Start + TimeSpan.FromMilliseconds(500 * i)), wakes);
        var finished = await host.DriveUntilFinishedAsync("f", count);
        Assert.All(finished, r => Assert.Equal(RunStatus.Completed, r.Status));
        var ends = new List<DateTimeOffset>();
        foreach (var runId in runIds)
        {
            ends.Add((await host.StepsAsync(runId))[0].FinishedAt!.Value);
        }

        Assert.Equal(Enumerable.Range(0, count).Select(i => Start + TimeSpan.FromMilliseconds(500 * i)), ends);
    }

    [Fact]
    public async Task RunStep_ResourceExhausted_PausesResourceForEveryone_WithoutUsingARetry()
    {
        var attempts = 0;
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("api", r => r.PerSecond(100, burst: 10))
            .AddFunction<object>("limited", f => f.OnEvent("go").Retries(0), async ctx => await ctx.Step.Run("call", () =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    throw new ResourceExhaustedException(TimeSpan.FromSeconds(30), "slow down");
                }

                return Task.FromResult("ok");
            }, resource: "api"))
            .AddFunction<object>("other", f => f.OnEvent("other"), async ctx => await ctx.Step.Run("call", () => Task.CompletedTask, resource: "api")));

        var runId = await host.StartRunAsync("go", null, "limited");
        await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());
        var otherId = await host.StartRunAsync("other", null, "other");
        var other = await host.WaitForRunAsync(otherId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());
        var info = Assert.Single(await host.Inspector.GetResourcesAsync());
        var paused = Assert.Single(await host.StepsAsync(runId));

        Assert.Equal(Start + TimeSpan.FromSeconds(30), info.PausedUntil);
        Assert.Equal(0, info.TokensAvailable);
        Assert.True(other.DueAt >= Start + TimeSpan.FromSeconds(30), $"other run due at {other.DueAt:O}");
        Assert.Equal(StepStatus.Waiting, paused.Status);
        Assert.Equal(typeof(ResourceExhaustedException).FullName, paused.Error!.Type);

        await host.DriveUntilFinishedAsync("limited", 1);
        await host.DriveUntilFinishedAsync("other", 1);
        var run = await host.Inspector.GetRunAsync(runId);

        // Retries(0): a counted failure would have failed the run.
        Assert.Equal(RunStatus.Completed, run!.Status);
        Assert.Equal(2, attempts);
        Assert.Equal(1, Assert.Single(await host.StepsAsync(runId)).Attempts);
        Assert.True((await host.StepsAsync(otherId))[0].FinishedAt >= Start + TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RunStep_Http429WithoutRetryAfter_PausesForTheResourcesDefaultPause()
    {
        var attempts = 0;
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("api", r => r.PerSecond(5).DefaultPause(TimeSpan.FromMinutes(2)))
            .AddFunction<object>("f", f => f.OnEvent("go").Retries(0), async ctx => await ctx.Step.Run("call", () =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    throw new HttpRequestException("Too many", null, HttpStatusCode.TooManyRequests);
                }

                return Task.CompletedTask;
            }, resource: "api")));

        var runId = await host.StartRunAsync("go", null, "f");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());

        Assert.Equal(Start + TimeSpan.FromMinutes(2), parked.DueAt);
        var done = (await host.DriveUntilFinishedAsync("f", 1))[0];
        Assert.Equal(RunStatus.Completed, done.Status);
    }

    [Fact]
    public async Task RunStep_ExhaustedWithoutResource_IsAnOrdinaryFailure()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("f", f => f.OnEvent("go").Retries(0), async ctx => await ctx.Step.Run("call", () => Task.FromException(new ResourceExhaustedException(TimeSpan.FromSeconds(5))))));

        var run = await host.SendAndWaitAsync("go");

        Assert.Equal(RunStatus.Failed, run.Status);
    }

    [Fact]
    public async Task RunStep_QuotaUsedUp_WaitsForTheWindowToReset()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("daily", r => r.Quota(2, TimeSpan.FromDays(1), resetAt: new TimeOnly(0, 0), timeZone: "America/Los_Angeles"))
            .AddFunction<object>("f", f => f.OnEvent("go"), async ctx =>
            {
                for (var i = 0; i < 3; i++)
                {
                    await ctx.Step.Run("call", () => Task.CompletedTask, resource: "daily");
                }
            }));

        var runId = await host.StartRunAsync("go", null, "f");
        var parked = await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow());
        var info = Assert.Single(await host.Inspector.GetResourcesAsync());

        // 2026-01-01T00:00Z is 16:00 on Dec 31 in Los Angeles (PST, UTC-8): the window resets at 08:00Z.
        var reset = Start + TimeSpan.FromHours(8);
        Assert.Equal(reset, parked.DueAt);
        Assert.Equal(2, info.QuotaUsed);
        Assert.Equal(0, info.QuotaRemaining);
        Assert.Equal(reset, info.WindowResetsAt);
        Assert.Null(info.TokensAvailable);

        var done = (await host.DriveUntilFinishedAsync("f", 1))[0];
        var after = Assert.Single(await host.Inspector.GetResourcesAsync());

        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(1, after.QuotaUsed);
        Assert.Equal(reset + TimeSpan.FromDays(1), after.WindowResetsAt);
    }

    [Fact]
    public async Task RunStep_CompletedStepsOnReplay_DoNotAcquireAgain()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("api", r => r.Quota(10, TimeSpan.FromHours(1)))
            .AddFunction<object>("f", f => f.OnEvent("go"), async ctx =>
            {
                await ctx.Step.Run("one", () => Task.CompletedTask, resource: "api");
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
                await ctx.Step.Run("two", () => Task.CompletedTask, resource: "api", cost: 3);
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
            }));

        await host.StartRunAsync("go", null, "f");
        await host.DriveUntilFinishedAsync("f", 1);
        var info = Assert.Single(await host.Inspector.GetResourcesAsync());

        Assert.Equal(4, info.QuotaUsed);
    }

    [Fact]
    public async Task RunStep_ParallelResourceSteps_AllRunWithinTheRate()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("api", r => r.PerSecond(4, burst: 2))
            .AddFunction<object>("f", f => f.OnEvent("go"), async ctx => await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
                ctx.Step.Run($"p{i}", () => Task.FromResult(i), resource: "api")))));

        await host.StartRunAsync("go", null, "f");
        var done = (await host.DriveUntilFinishedAsync("f", 1))[0];
        var steps = await host.StepsAsync(done.Id);

        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(6, steps.Count);
        Assert.All(steps, s => Assert.Equal(1, s.Attempts));
        var times = steps.Select(s => s.FinishedAt!.Value).Order().ToArray();

        // Burst 2 at once, then one every 250 ms.
        Assert.Equal(new[] { 0, 0, 250, 500, 750, 1000 }.Select(ms => Start + TimeSpan.FromMilliseconds(ms)), times);
    }

    [Fact]
    public async Task RunStep_ResourceOnStepOptions_DrawsOnIt_AndNamedParametersWin()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("api", r => r.PerSecond(1, burst: 3))
            .AddResource("unused", r => r.PerSecond(1))
            .AddFunction<object>("f", f => f.OnEvent("go"), async ctx =>
            {
                await ctx.Step.Run("a", () => Task.CompletedTask, new StepOptions { Resource = "api", Cost = 2 });
                await ctx.Step.Run("b", () => Task.CompletedTask, new StepOptions { Resource = "unused", Cost = 1 }, resource: "api");
            }));

        var run = await host.SendAndWaitAsync("go");
        var resources = await host.Inspector.GetResourcesAsync();

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(0, resources.Single(r => r.Name == "api").TokensAvailable);
        Assert.Equal(1, resources.Single(r => r.Name == "unused").TokensAvailable);

        host.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, (await host.Inspector.GetResourcesAsync()).Single(r => r.Name == "api").TokensAvailable);
    }
}

using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Retries;

public sealed class BackoffTests
{
    private static async Task<IReadOnlyList<TimeSpan>> RetryDelaysAsync(Action<FunctionBuilder> configure)
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "always-fails",
            f => configure(f.OnEvent("fail/go")),
            async ctx => await ctx.Step.Run("call", () => Task.FromException(new InvalidOperationException("down")))));
        var runId = await host.StartRunAsync("fail/go", null, "always-fails");
        var delays = new List<TimeSpan>();
        while (true)
        {
            var run = await host.WaitForRunAsync(runId, r => HostWaits.IsFinished(r) || (r.Status == RunStatus.Queued && r.DueAt > host.Time.GetUtcNow()));
            if (HostWaits.IsFinished(run))
            {
                Assert.Equal(RunStatus.Failed, run.Status);
                return delays;
            }

            // The step's WakeAt is the next attempt time; it is measured from the failed attempt's end.
            var step = Assert.Single(await host.StepsAsync(runId));
            delays.Add(step.WakeAt!.Value - step.FailedAttempts[^1].FinishedAt);
            Assert.Equal(host.Time.GetUtcNow(), step.FailedAttempts[^1].FinishedAt);
            host.Advance(step.WakeAt.Value - host.Time.GetUtcNow());
        }
    }

    [Fact]
    public async Task Retry_DefaultPolicy_DelaysGrowWithJitter()
    {
        var delays = await RetryDelaysAsync(_ => { });

        Assert.Equal(4, delays.Count);
        for (var i = 0; i < delays.Count; i++)
        {
            // 1 s doubling, each randomized downwards by at most 20 %.
            var full = TimeSpan.FromSeconds(Math.Pow(2, i));
            Assert.InRange(delays[i], full * 0.8, full);
        }

        Assert.True(delays.Zip(delays.Skip(1)).All(p => p.First < p.Second), string.Join(", ", delays));
    }

    [Fact]
    public async Task Retry_WithoutJitter_DelaysDoubleExactlyUpToTheCap()
    {
        var delays = await RetryDelaysAsync(f => f.Retry(new RetryPolicy
        {
            MaxRetries = 6,
            InitialInterval = TimeSpan.FromSeconds(2),
            BackoffCoefficient = 3,
            MaximumInterval = TimeSpan.FromSeconds(30),
            Jitter = 0,
        }));

        Assert.Equal(new[] { 2, 6, 18, 30, 30, 30 }.Select(s => TimeSpan.FromSeconds(s)), delays);
    }

    [Fact]
    public async Task Retry_ZeroRetries_FailsAfterOneAttempt()
    {
        var delays = await RetryDelaysAsync(f => f.Retries(0));

        Assert.Empty(delays);
    }

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 2000)]
    [InlineData(5, 8000)]
    [InlineData(20, 600_000)]
    public void DelayBefore_DefaultPolicyWithoutRandomness_DoublesUpToTenMinutes(int attempt, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryPolicy.Default.DelayBefore(attempt, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs * 0.8), RetryPolicy.Default.DelayBefore(attempt, 1));
    }
}

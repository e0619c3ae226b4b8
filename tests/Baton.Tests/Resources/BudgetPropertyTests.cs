using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Tests.Resources;

/// <summary>
/// Property-style proof of resource budgets on the fake clock: many runs of random shape (sequential, parallel and
/// sleeping steps with random costs) share one budget; whatever the shape, no interval ever sees more than the rate
/// allows, no window more than the quota, and every run finishes.
/// </summary>
public sealed class BudgetPropertyTests
{
    private const double Rate = 10;
    private const long QuotaPerWindow = 300;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 4)]
    public async Task ResourceSteps_LongFakeClockRun_NeverExceedRateOrQuota_AndAllFinish(int seed, int burst)
    {
        var time = new FakeTimeProvider(BatonTestHost.DefaultStart);
        var calls = new List<(DateTimeOffset At, int Cost)>();
        var random = new Random(seed);
        const int runs = 24;
        var shapes = Enumerable.Range(0, runs).Select(_ => RunShape.Random(random, burst)).ToArray();
        await using var host = await BatonTestHost.StartAsync(
            b => b
                .AddResource("api", r => r.PerSecond(Rate, burst).Quota(QuotaPerWindow, Window))
                .AddFunction<RunShape>("crawl", f => f.OnEvent("crawl/go"), async ctx =>
                {
                    var shape = ctx.Data;
                    for (var i = 0; i < shape.Costs.Length; i++)
                    {
                        var cost = shape.Costs[i];
                        Task Call() => Record(calls, time, cost);
                        if (shape.ParallelEvery > 0 && i % shape.ParallelEvery == 0)
                        {
                            await Task.WhenAll(
                                ctx.Step.Run($"a{i}", Call, resource: "api", cost: cost),
                                ctx.Step.Run($"b{i}", () => Record(calls, time, 1), resource: "api"));
                        }
                        else
                        {
                            await ctx.Step.Run($"call{i}", Call, resource: "api", cost: cost);
                        }

                        if (shape.SleepAfter == i)
                        {
                            await ctx.Step.Sleep("pause", TimeSpan.FromSeconds(3));
                        }
                    }
                }),
            time: time);

        foreach (var shape in shapes)
        {
            await host.SendAsync("crawl/go", shape);
        }

        var finished = await host.DriveUntilFinishedAsync("crawl", runs);

        Assert.All(finished, r => Assert.Equal(RunStatus.Completed, r.Status));
        var expectedUnits = shapes.Sum(s => s.Costs.Select((c, i) => s.ParallelEvery > 0 && i % s.ParallelEvery == 0 ? c + 1 : c).Sum());
        List<(DateTimeOffset At, int Cost)> made;
        lock (calls)
        {
            made = [.. calls.OrderBy(c => c.At)];
        }

        Assert.Equal(expectedUnits, made.Sum(c => c.Cost));
        foreach (var (at, _) in made)
        {
            // GCRA: in any interval of length L at most burst - 1 + rate × L units; here L = 1 s.
            var inSecond = made.Where(c => c.At >= at && c.At < at + TimeSpan.FromSeconds(1)).Sum(c => c.Cost);
            Assert.True(inSecond <= burst - 1 + Rate, $"{inSecond} units in the second from {at:O}");
        }

        foreach (var window in made.GroupBy(c => c.At.UtcTicks / Window.Ticks))
        {
            Assert.True(window.Sum(c => c.Cost) <= QuotaPerWindow, $"{window.Sum(c => c.Cost)} units in window {window.Key}");
        }

        // The quota binds: the run needed more than one window, and what the store counted is exactly what ran.
        Assert.True(made[^1].At - made[0].At > Window, $"all calls within {made[^1].At - made[0].At}");
        var info = Assert.Single(await host.Inspector.GetResourcesAsync());
        var lastWindow = made.Where(c => c.At.UtcTicks / Window.Ticks == host.Time.GetUtcNow().UtcTicks / Window.Ticks).Sum(c => c.Cost);
        Assert.Equal(lastWindow, info.QuotaUsed);
    }

    private static Task Record(List<(DateTimeOffset At, int Cost)> calls, TimeProvider time, int cost)
    {
        lock (calls)
        {
            calls.Add((time.GetUtcNow(), cost));
        }

        return Task.CompletedTask;
    }

    /// <summary>One run's shape: the costs of its sequential calls, which of them also start a parallel pair, where it sleeps.</summary>
    public sealed record RunShape(int[] Costs, int ParallelEvery, int SleepAfter)
    {
        public static RunShape Random(Random random, int burst)
        {
            var costs = Enumerable.Range(0, random.Next(6, 20)).Select(_ => random.Next(1, burst + 1)).ToArray();
            return new RunShape(costs, random.Next(0, 4) == 0 ? random.Next(2, 5) : 0, random.Next(-1, costs.Length));
        }
    }
}

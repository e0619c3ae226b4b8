using System.Diagnostics;
using Baton.Bench.Core;
using Baton.Bench.Harness;

namespace Baton.Bench.Flow;

/// <summary>
/// A backlog of N queued runs on one key, then 10 runs on another: the time until all 10 small-key runs have started
/// (fair claiming serves the small key at once rather than after the backlog), and the claim throughput while the
/// backlog drains, for N = 10,000 and N = 100,000 (the rate must not collapse as the backlog grows).
/// </summary>
internal sealed class FairnessScenario : IScenario
{
    private const string EventName = "bench/fair";
    private const int Small = 10;

    public string Name => "fairness";

    public async Task RunAsync(ScenarioContext context)
    {
        foreach (var backlog in context.Size<int[]>([10_000, 100_000], [2_000, 10_000]))
        {
            var (smallStarted, rate) = await MeasureAsync(context, backlog);
            context.Report($"small_key_started_{backlog}", smallStarted.TotalMilliseconds, "ms");
            context.Report($"throughput_{backlog}", rate, "runs/s");
        }
    }

    private static async Task<(TimeSpan SmallStarted, double Rate)> MeasureAsync(ScenarioContext context, int backlog)
    {
        var smallStarted = 0;
        var allSmall = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bench = await BatonBench.StartAsync(context, baton => baton.AddFunction<Payload>(
            "fair",
            f => f.OnEvent(EventName).Concurrency(1_000, "event.data.key"),
            ctx => ctx.Step.Run("noop", () =>
            {
                if (ctx.Data.Key == "small" && Interlocked.Increment(ref smallStarted) == Small)
                {
                    allSmall.TrySetResult(Stopwatch.GetTimestamp());
                }

                return Task.CompletedTask;
            })));
        using var completed = bench.Count(RunStatus.Completed, backlog + Small);
        var started = Stopwatch.GetTimestamp();
        await bench.SendAsync(EventName, backlog, _ => new Payload("big"));
        var smallSent = Stopwatch.GetTimestamp();
        await bench.SendAsync(EventName, Small, _ => new Payload("small"));
        var smallDone = await allSmall.Task.WaitAsync(TimeSpan.FromMinutes(10));
        var finished = await completed.WhenReachedAsync(TimeSpan.FromMinutes(10));
        var rate = (backlog + Small) / Stopwatch.GetElapsedTime(started, finished).TotalSeconds;
        var wait = Stopwatch.GetElapsedTime(smallSent, smallDone);
        context.Log($"backlog {backlog}: 10 small-key runs all started {wait.TotalMilliseconds:F0} ms after they were sent; {rate:F0} runs/s overall");
        return (wait, rate);
    }

    private sealed record Payload(string Key);
}

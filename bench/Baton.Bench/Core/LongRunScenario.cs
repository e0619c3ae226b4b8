using System.Diagnostics;
using Baton.Bench.Harness;
using Baton.Bench.Profiling;

namespace Baton.Bench.Core;

/// <summary>
/// One run of 1,000 / 10,000 / 100,000 sequential no-op steps (quick: 1,000 and 10,000): the time for each
/// and the time per step, which must stay flat as the run grows. Target: 100,000 steps in 30 s.
/// </summary>
internal sealed class LongRunScenario : IScenario
{
    private const string EventName = "bench/long-run";

    public string Name => "long-run";

    private static void Function(BatonBuilder baton)
        => baton.AddFunction<LongRun>("long-run", f => f.OnEvent(EventName), async ctx =>
        {
            for (var i = 0; i < ctx.Data.Steps; i++)
            {
                await ctx.Step.Run($"page-{i}", () => Task.CompletedTask);
            }
        });

    public async Task RunAsync(ScenarioContext context)
    {
        int[] sizes = context.Quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
        await MeasureAsync(context, 1_000, "warm-up");
        var perStep = new List<(int Steps, double Microseconds)>();
        foreach (var steps in sizes)
        {
            var elapsed = await MeasureAsync(context, steps, "measure");
            var microseconds = elapsed.TotalMicroseconds / steps;
            perStep.Add((steps, microseconds));
            context.Report($"duration_{steps}_steps", elapsed.TotalSeconds, "s");
            context.Report($"per_step_{steps}_steps", microseconds, "us");
        }

        // Linear growth means a flat cost per step: the largest run's per-step cost over the smallest's.
        context.Report($"per_step_growth_{sizes[^1]}_vs_{sizes[0]}", perStep[^1].Microseconds / perStep[0].Microseconds, "ratio");
    }

    private static async Task<TimeSpan> MeasureAsync(ScenarioContext context, int steps, string label)
    {
        await using var bench = await BatonBench.StartAsync(context, Function);
        using var completed = bench.Count(RunStatus.Completed, 1);
        using var allocations = context.Profile ? new AllocationSampler() : null;
        allocations?.Start();
        var meter = ResourceMeter.Start();
        var started = Stopwatch.GetTimestamp();
        await bench.Client.SendAsync(new EventMessage(EventName, new LongRun(steps)));
        var finished = await completed.WhenReachedAsync(TimeSpan.FromMinutes(10));
        var elapsed = Stopwatch.GetElapsedTime(started, finished);
        var usage = meter.Stop();
        context.Log($"{label}: {steps} steps in {elapsed.TotalSeconds:F2} s = {elapsed.TotalMicroseconds / steps:F1} us/step; {usage}; " +
                    $"{usage.Cpu.TotalMicroseconds / steps:F1} us cpu/step, {usage.AllocatedBytes / steps} B/step");
        if (bench.Profile is { } profile)
        {
            Console.Error.Write(profile.Describe(elapsed, steps, "step"));
        }

        if (allocations is not null)
        {
            allocations.Stop();
            Console.Error.Write(allocations.Describe(20, steps, "step"));
        }

        return elapsed;
    }

    private sealed record LongRun(int Steps);
}

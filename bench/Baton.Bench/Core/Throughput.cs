using System.Diagnostics;
using Baton.Bench.Harness;
using Baton.Bench.Profiling;

namespace Baton.Bench.Core;

/// <summary>One end-to-end throughput measurement: events sent, runs completed.</summary>
/// <param name="Runs">Runs completed.</param>
/// <param name="Elapsed">From the first send to the last run's completion.</param>
/// <param name="Ingest">From the first send until the last batch was acknowledged (durable).</param>
/// <param name="Usage">Process CPU, allocations and GC over <paramref name="Elapsed"/>.</param>
internal sealed record ThroughputResult(int Runs, TimeSpan Elapsed, TimeSpan Ingest, ResourceUsage Usage)
{
    public double RunsPerSecond => Runs / Elapsed.TotalSeconds;

    public double CpuMicrosecondsPerRun => Usage.Cpu.TotalMicroseconds / Runs;

    public double AllocatedBytesPerRun => (double)Usage.AllocatedBytes / Runs;
}

/// <summary>
/// Measures how fast a fresh host turns N events into N completed runs: events are sent in batches of 500,
/// one batch after another (as an ingesting API would), while the worker processes; the clock runs from the
/// first send until the last run's completion is committed.
/// </summary>
internal static class Throughput
{
    public static async Task<ThroughputResult> MeasureAsync(
        ScenarioContext context,
        string eventName,
        int runs,
        Action<BatonBuilder> functions,
        Action<BatonOptions>? configure = null,
        string label = "measure",
        Func<BatonBench, Task>? prepare = null)
    {
        await using var bench = await BatonBench.StartAsync(context, functions, configure);
        if (prepare is not null)
        {
            // Before the clock starts: e.g. fill the tables with history.
            await prepare(bench);
        }

        using var completed = bench.Count(RunStatus.Completed, runs);
        using var allocations = context.Profile ? new AllocationSampler() : null;
        allocations?.Start();
        var meter = ResourceMeter.Start();
        var started = Stopwatch.GetTimestamp();
        await bench.SendAsync(eventName, runs);
        var ingest = Stopwatch.GetElapsedTime(started);
        var finished = await completed.WhenReachedAsync(TimeSpan.FromMinutes(10));
        var usage = meter.Stop();
        allocations?.Stop();
        var result = new ThroughputResult(runs, Stopwatch.GetElapsedTime(started, finished), ingest, usage);
        context.Log($"{label}: {runs} runs in {result.Elapsed.TotalSeconds:F2} s = {result.RunsPerSecond:F0} runs/s " +
                    $"(all sent after {ingest.TotalSeconds:F2} s); {usage}; {result.CpuMicrosecondsPerRun:F0} us cpu/run, {result.AllocatedBytesPerRun:F0} B/run");
        if (bench.Profile is { } profile)
        {
            Console.Error.Write(profile.Describe(result.Elapsed, runs, "run"));
        }

        if (allocations is not null)
        {
            Console.Error.Write(allocations.Describe(25, runs, "run"));
        }

        return result;
    }

    /// <summary>Runs <paramref name="measure"/> <paramref name="rounds"/> times and returns the median round (by rate).</summary>
    public static async Task<ThroughputResult> MedianAsync(ScenarioContext context, int rounds, Func<Task<ThroughputResult>> measure)
    {
        var results = new List<ThroughputResult>(rounds);
        for (var round = 0; round < rounds; round++)
        {
            results.Add(await measure());
        }

        var median = Median(results);
        if (rounds > 1)
        {
            context.Log($"median of {rounds}: {median.RunsPerSecond:F0} runs/s (all: {string.Join(", ", results.Select(r => r.RunsPerSecond.ToString("F0")))})");
        }

        return median;
    }

    public static ThroughputResult Median(IReadOnlyList<ThroughputResult> results)
        => results.OrderBy(r => r.RunsPerSecond).ElementAt(results.Count / 2);
}

using System.Diagnostics;
using Baton.Bench.Core;
using Baton.Bench.Harness;

namespace Baton.Bench.Postgres;

/// <summary>
/// Single-step on several nodes: <c>nodes</c> worker processes (<see cref="NodeProcess"/>) share one schema while
/// a separate sender (a host of this process that runs no worker) ingests the events in batches of 500. The
/// clock runs from the first send until the nodes together report N completed runs.
/// </summary>
internal static class MultiNode
{
    public static async Task<ThroughputResult> MeasureAsync(ScenarioContext context, int nodes, int runs, string label = "measure")
    {
        await using var database = await context.Store.CreateAsync(context.Scenario);
        var schema = (PostgresBenchStore.Schema)database;

        // The sender starts first: it applies the migrations before the nodes start.
        await using var sender = await BatonBench.StartAsync(context, SingleStepScenario.Function, o => o.RunWorker = false, shared: database);
        var handles = Enumerable.Range(0, nodes).Select(_ => NodeHandle.Start(schema.ConnectionString, schema.Name)).ToList();
        try
        {
            await Task.WhenAll(handles.Select(h => h.Ready)).WaitAsync(TimeSpan.FromMinutes(2));
            var meter = ResourceMeter.Start();
            var started = Stopwatch.GetTimestamp();
            await sender.SendAsync(SingleStepScenario.EventName, runs);
            var ingest = Stopwatch.GetElapsedTime(started);
            var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 600);
            while (handles.Sum(h => h.Completed) < runs)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"only {handles.Sum(h => h.Completed)} of {runs} runs completed on {nodes} nodes within 10 minutes");
                }

                await Task.Delay(1);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var usage = meter.Stop();
            var result = new ThroughputResult(runs, elapsed, ingest, usage);
            context.Log($"{label}: {nodes} nodes, {runs} runs in {elapsed.TotalSeconds:F2} s = {result.RunsPerSecond:F0} runs/s " +
                        $"(all sent after {ingest.TotalSeconds:F2} s; per node: {string.Join(", ", handles.Select(h => h.Completed))})");
            return result;
        }
        finally
        {
            foreach (var handle in handles)
            {
                await handle.DisposeAsync();
            }
        }
    }
}

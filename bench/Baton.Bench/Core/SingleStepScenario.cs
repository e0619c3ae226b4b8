using Baton.Bench.Harness;
using Baton.Bench.Peers;

namespace Baton.Bench.Core;

/// <summary>
/// N events → N runs of one no-op step, end to end (ingest, claim, step, complete) on SQLite; then Hangfire
/// with the same no-op job on its in-memory and its SQLite storage, side by side in the same run.
/// Target: 20,000 runs/s.
/// </summary>
internal sealed class SingleStepScenario : IScenario
{
    public const string EventName = "bench/single-step";

    public string Name => "single-step";

    /// <summary>The function: one no-op step.</summary>
    public static void Function(BatonBuilder baton)
        => baton.AddFunction<object>("single-step", f => f.OnEvent(EventName), ctx => ctx.Step.Run("noop", () => Task.CompletedTask));

    public async Task RunAsync(ScenarioContext context)
    {
        var runs = context.Size(100_000, 10_000);
        var rounds = context.Size(3, 1);
        await Throughput.MeasureAsync(context, EventName, context.Size(10_000, 1_000), Function, label: "warm-up");

        if (!context.Peers)
        {
            var alone = await Throughput.MedianAsync(context, rounds, () => Throughput.MeasureAsync(context, EventName, runs, Function));
            context.Report("throughput", alone.RunsPerSecond, "runs/s");
            context.Report("elapsed", alone.Elapsed.TotalSeconds, "s");
            context.Report("ingest_rate", runs / alone.Ingest.TotalSeconds, "events/s");
            context.Report("cpu_per_run", alone.CpuMicrosecondsPerRun, "us");
            context.Report("alloc_per_run", alone.AllocatedBytesPerRun, "bytes");
            return;
        }

        // Baton and Hangfire in-memory alternate, so that a burst of load from elsewhere on this shared
        // machine hits both; each figure is the median round.
        var batonRounds = new List<ThroughputResult>();
        var inMemoryRounds = new List<HangfireResult>();
        for (var round = 1; round <= rounds; round++)
        {
            batonRounds.Add(await Throughput.MeasureAsync(context, EventName, runs, Function, label: $"round {round}/{rounds}"));
            inMemoryRounds.Add(await HangfirePeer.RunAsync(context, "inmemory", runs, HangfirePeer.InMemoryWorkers, warmup: context.Size(5_000, 1_000)));
        }

        var baton = Throughput.Median(batonRounds);
        var inMemory = inMemoryRounds.OrderBy(r => r.JobsPerSecond).ElementAt(rounds / 2);
        context.Log($"median of {rounds}: baton {baton.RunsPerSecond:F0} runs/s (all: {string.Join(", ", batonRounds.Select(r => r.RunsPerSecond.ToString("F0")))}); " +
                    $"hangfire-inmemory {inMemory.JobsPerSecond:F0} jobs/s (all: {string.Join(", ", inMemoryRounds.Select(r => r.JobsPerSecond.ToString("F0")))})");

        // Hangfire.Storage.SQLite processes about a hundred jobs a second here (fewer under load): the same N
        // would take many minutes, so it runs a smaller N once, within a time budget (its rate does not
        // improve with N; the peer label says the N it ran).
        var sqlite = await HangfirePeer.RunAsync(
            context, "sqlite", Math.Min(runs, context.Size(3_000, 200)), HangfirePeer.SqliteWorkers, warmup: context.Size(200, 20), maxSeconds: context.Size(90, 6));
        var sqlitePeer = sqlite.Count == runs ? HangfirePeer.Sqlite : $"{HangfirePeer.Sqlite} (n={sqlite.Count})";

        context.Report("throughput", baton.RunsPerSecond, "runs/s");
        context.Report("throughput", baton.RunsPerSecond, "runs/s", HangfirePeer.InMemory, inMemory.JobsPerSecond);
        context.Report("throughput", baton.RunsPerSecond, "runs/s", sqlitePeer, sqlite.JobsPerSecond);
        context.Report("elapsed", baton.Elapsed.TotalSeconds, "s");
        context.Report("ingest_rate", runs / baton.Ingest.TotalSeconds, "events/s");
        context.Report("cpu_per_run", baton.CpuMicrosecondsPerRun, "us", HangfirePeer.InMemory, inMemory.CpuMicrosecondsPerJob);
        context.Report("cpu_per_run", baton.CpuMicrosecondsPerRun, "us", sqlitePeer, sqlite.CpuMicrosecondsPerJob);
        context.Report("alloc_per_run", baton.AllocatedBytesPerRun, "bytes", HangfirePeer.InMemory, inMemory.AllocatedBytesPerJob);
        context.Report("alloc_per_run", baton.AllocatedBytesPerRun, "bytes", sqlitePeer, sqlite.AllocatedBytesPerJob);
    }
}

using Baton.Bench.Core;
using Baton.Bench.Harness;
using Baton.Bench.Peers;

namespace Baton.Bench.Postgres;

/// <summary>
/// Single-step on PostgreSQL: N events → N runs of one no-op step on 1 node (one process that ingests and works)
/// and on 3 nodes (three worker processes and a separate sender), then Hangfire with Hangfire.PostgreSql and
/// graphile-worker on the same cluster, the same no-op job, enqueue + process. Target: 20,000 runs/s.
/// </summary>
internal sealed class PgSingleStepScenario : IScenario
{
    /// <summary>
    /// Hangfire.PostgreSql workers: the best of a sweep on this machine (1: 7.0 jobs/s, 2: 11.7, 4: 13.1,
    /// 10: 14.6, 20: 11.1 within a 15 s enqueue budget; see docs/benchmarks.md).
    /// </summary>
    public const int HangfireWorkers = 10;

    public string Name => "single-step";

    public async Task RunAsync(ScenarioContext context)
    {
        var runs = context.Size(20_000, 2_000);
        var connection = ((PostgresBenchStore)context.Store).ConnectionString;
        await Throughput.MeasureAsync(context, SingleStepScenario.EventName, context.Size(2_000, 500), SingleStepScenario.Function, label: "warm-up");

        var one = await Throughput.MeasureAsync(context, SingleStepScenario.EventName, runs, SingleStepScenario.Function, label: "1 node");
        var three = await MultiNode.MeasureAsync(context, 3, runs, label: "3 nodes");
        context.Report("throughput", one.RunsPerSecond, "runs/s");
        context.Report("throughput_3_nodes", three.RunsPerSecond, "runs/s");
        context.Report("cpu_per_run", one.CpuMicrosecondsPerRun, "us");
        context.Report("ingest_rate", runs / one.Ingest.TotalSeconds, "events/s");
        if (!context.Peers)
        {
            return;
        }

        // Hangfire.PostgreSql commits each enqueue and each state change on its own (tens to hundreds of jobs/s
        // here): it runs within a time budget, and the peer label says the N it ran.
        var hangfire = await HangfirePeer.RunAsync(
            context, "postgres", runs, HangfireWorkers, warmup: context.Size(200, 50), maxSeconds: context.Size(60, 10), connection: connection);
        var hangfirePeer = hangfire.Count == runs ? HangfirePeer.Postgres : $"{HangfirePeer.Postgres} (n={hangfire.Count})";
        var graphile = await GraphilePeer.RunAsync(context, connection, runs, warmup: context.Size(2_000, 500));
        context.Report("throughput", one.RunsPerSecond, "runs/s", hangfirePeer, hangfire.JobsPerSecond);
        context.Report("throughput", one.RunsPerSecond, "runs/s", GraphilePeer.Label, graphile.JobsPerSecond);
        context.Report("throughput_3_nodes", three.RunsPerSecond, "runs/s", hangfirePeer, hangfire.JobsPerSecond);
        context.Report("throughput_3_nodes", three.RunsPerSecond, "runs/s", GraphilePeer.Label, graphile.JobsPerSecond);
    }
}

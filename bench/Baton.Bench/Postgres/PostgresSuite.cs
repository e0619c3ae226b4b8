using Baton.Bench.Core;
using Baton.Bench.Harness;

namespace Baton.Bench.Postgres;

/// <summary>
/// The engine on PostgreSQL (issue #2's provider targets): single-step on 1 and 3 nodes against Hangfire on
/// PostgreSQL and graphile-worker, ten-step, latency, and claim throughput against the size of the history.
/// The core suite's scenarios run here unchanged on the PostgreSQL store.
/// </summary>
internal sealed class PostgresSuite : ISuite
{
    public string Name => "postgres";

    public IReadOnlyList<IScenario> Scenarios { get; } =
    [
        new PgSingleStepScenario(),
        new TenStepScenario(),
        new LatencyScenario(),
        new HistoryScenario(),
    ];

    /// <summary>Starts the cluster (or takes <c>BATON_BENCH_POSTGRES</c>) and hands it to child processes through that variable.</summary>
    public async Task<IAsyncDisposable?> PrepareAsync(BenchArgs args)
    {
        var cluster = await PostgresCluster.StartAsync();
        Environment.SetEnvironmentVariable(PostgresCluster.Variable, cluster.ConnectionString);
        return cluster;
    }

    public BenchStore Store() => new PostgresBenchStore(
        Environment.GetEnvironmentVariable(PostgresCluster.Variable) ?? throw new InvalidOperationException($"{PostgresCluster.Variable} is not set"));
}

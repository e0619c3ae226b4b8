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

    public Task<IAsyncDisposable?> PrepareAsync(BenchArgs args) => PostgresCluster.PrepareSuiteAsync();

    public BenchStore Store() => PostgresCluster.SuiteStore();
}

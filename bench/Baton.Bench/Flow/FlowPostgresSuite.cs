using Baton.Bench.Harness;
using Baton.Bench.Postgres;

namespace Baton.Bench.Flow;

/// <summary>
/// The flow suite's scenarios on PostgreSQL (<c>flow-postgres</c>): the same measurements as <see cref="FlowSuite"/>,
/// each host on a fresh schema of the postgres suite's server (a throwaway cluster, or <c>BATON_BENCH_POSTGRES</c>).
/// </summary>
internal sealed class FlowPostgresSuite : ISuite
{
    public string Name => "flow-postgres";

    public IReadOnlyList<IScenario> Scenarios { get; } =
    [
        new ConcurrencyKeysScenario(),
        new FairnessScenario(),
    ];

    public Task<IAsyncDisposable?> PrepareAsync(BenchArgs args) => PostgresCluster.PrepareSuiteAsync();

    public BenchStore Store() => PostgresCluster.SuiteStore();
}

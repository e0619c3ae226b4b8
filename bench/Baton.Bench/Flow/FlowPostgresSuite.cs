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

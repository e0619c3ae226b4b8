using Baton.TestSupport;

namespace Baton.Bench.Postgres;

/// <summary>
/// The postgres suite's server: <c>BATON_BENCH_POSTGRES</c> (a connection string) when set, otherwise a
/// throwaway cluster — initdb into a temporary folder, started with pg_ctl on a free loopback port (as the
/// <c>postgres</c> OS user when running as root), stopped and deleted on dispose. Baton and its peers use
/// the same cluster with the same settings, and those settings are durable: fsync and synchronous_commit on.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The environment variable naming an existing server; the suite sets it for its child processes.</summary>
    public const string Variable = "BATON_BENCH_POSTGRES";

    /// <summary>
    /// Server settings apart from PostgreSQL's defaults: memory for a 24 GB machine, enough connections for three
    /// nodes and the peers. Durability settings (fsync, synchronous_commit, full_page_writes) stay at their defaults.
    /// </summary>
    public const string Settings = "-c shared_buffers=1GB -c max_connections=300 -c max_wal_size=4GB -c checkpoint_timeout=15min";

    private readonly ThrowawayPostgres? _cluster;

    private PostgresCluster(string connectionString, ThrowawayPostgres? cluster)
    {
        ConnectionString = connectionString;
        _cluster = cluster;
    }

    /// <summary>Connection string of the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// A PostgreSQL suite's preparation: starts the cluster (or takes <c>BATON_BENCH_POSTGRES</c>) and hands it to child
    /// processes through that variable.
    /// </summary>
    public static async Task<IAsyncDisposable?> PrepareSuiteAsync()
    {
        var cluster = await StartAsync();
        Environment.SetEnvironmentVariable(Variable, cluster.ConnectionString);
        return cluster;
    }

    /// <summary>A PostgreSQL suite's store: a fresh schema per host on the server <see cref="PrepareSuiteAsync"/> set up.</summary>
    public static Harness.BenchStore SuiteStore() => new Harness.PostgresBenchStore(
        Environment.GetEnvironmentVariable(Variable) ?? throw new InvalidOperationException($"{Variable} is not set"));

    /// <summary>Uses <c>BATON_BENCH_POSTGRES</c> or starts a throwaway cluster.</summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresCluster(external, null);
        }

        var cluster = await ThrowawayPostgres.StartAsync("baton-bench-pg-", Settings, Variable);
        Console.Error.WriteLine($"[postgres] throwaway cluster on 127.0.0.1:{cluster.Port} ({Settings}; fsync and synchronous_commit on)");
        return new PostgresCluster(cluster.ConnectionString(maxPoolSize: 100), cluster);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAndDeleteAsync();
        }
    }
}

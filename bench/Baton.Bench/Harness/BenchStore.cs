using Npgsql;

namespace Baton.Bench.Harness;

/// <summary>
/// Where a scenario's host keeps its state. A scenario asks for a fresh database for each host it starts; the
/// store decides what that is (a new SQLite file, a new PostgreSQL schema) and removes it afterwards.
/// </summary>
internal abstract class BenchStore
{
    /// <summary>Embedded SQLite: a new file in a temporary directory (the core suite).</summary>
    public static BenchStore Sqlite { get; } = new SqliteBenchStore();

    /// <summary>Name in progress lines.</summary>
    public abstract string Name { get; }

    /// <summary>A new, empty database for one host; disposing it deletes it.</summary>
    public abstract Task<BenchDatabase> CreateAsync(string label);
}

/// <summary>One fresh database: <see cref="Use"/> points a Baton host at it.</summary>
internal abstract class BenchDatabase : IAsyncDisposable
{
    public abstract void Use(BatonBuilder baton);

    public abstract ValueTask DisposeAsync();
}

internal sealed class SqliteBenchStore : BenchStore
{
    public override string Name => "sqlite";

    public override Task<BenchDatabase> CreateAsync(string label) => Task.FromResult<BenchDatabase>(new Database(TempDirectory.Create(label)));

    private sealed class Database(TempDirectory directory) : BenchDatabase
    {
        public override void Use(BatonBuilder baton) => baton.UseSqlite(directory.File("baton.db"));

        public override ValueTask DisposeAsync()
        {
            directory.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>PostgreSQL: a new schema per host on one server (the suite's throwaway cluster or <c>BATON_BENCH_POSTGRES</c>).</summary>
internal sealed class PostgresBenchStore(string connectionString) : BenchStore
{
    public string ConnectionString { get; } = connectionString;

    public override string Name => "postgres";

    public override Task<BenchDatabase> CreateAsync(string label)
        => Task.FromResult<BenchDatabase>(new Schema(ConnectionString, "bench_" + new string([.. label.Where(char.IsAsciiLetterOrDigit)]).ToLowerInvariant() + "_" + Guid.NewGuid().ToString("N")[..8]));

    /// <summary>A schema of its own; Baton creates it at start (migrations), the dispose drops it.</summary>
    public sealed class Schema(string connectionString, string name) : BenchDatabase
    {
        public string Name { get; } = name;

        public string ConnectionString { get; } = connectionString;

        public override void Use(BatonBuilder baton) => baton.UsePostgres(ConnectionString, o => o.Schema = Name);

        public override async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection) { CommandTimeout = 300 };
            await command.ExecuteNonQueryAsync();
        }
    }
}

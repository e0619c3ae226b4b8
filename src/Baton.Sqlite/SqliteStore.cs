using Baton.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, one writer connection (the group-commit loop) and
/// pooled reader connections.
/// </summary>
internal sealed partial class SqliteStore : IBatonStore
{
    private readonly SqliteStoreOptions _options;
    private readonly string _connectionString;

    public SqliteStore(SqliteStoreOptions options)
    {
        _options = options;
        var full = System.IO.Path.GetFullPath(options.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    public string ProviderName => "sqlite";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_options.Path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);");
            foreach (var (version, sql) in Migrations())
            {
                // BEGIN IMMEDIATE takes the write lock, so two processes starting together apply each migration once.
                Execute(connection, "BEGIN IMMEDIATE;");
                try
                {
                    using var check = connection.CreateCommand();
                    check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v";
                    check.Parameters.AddWithValue("$v", version);
                    if (Convert.ToInt64(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                    {
                        Execute(connection, sql);
                        using var record = connection.CreateCommand();
                        record.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES ($v, $t)";
                        record.Parameters.AddWithValue("$v", version);
                        record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                        record.ExecuteNonQuery();
                    }

                    Execute(connection, "COMMIT;");
                }
                catch
                {
                    Execute(connection, "ROLLBACK;");
                    throw;
                }
            }
        }
    }

    /// <summary>SQLite has no cross-process notifications: one process is the norm, others poll.</summary>
    public Task WatchForWorkAsync(Action wake, CancellationToken cancellationToken) => Task.CompletedTask;

    public IStoreWriter OpenWriter()
    {
        var unpooled = _connectionString.Replace("Pooling=True", "Pooling=False", StringComparison.OrdinalIgnoreCase);
        var connection = new SqliteConnection(unpooled);
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, _options.Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
        Execute(connection, $"PRAGMA busy_timeout={(long)_options.BusyTimeout.TotalMilliseconds};");
        Execute(connection, "PRAGMA temp_store=MEMORY;");
        Execute(connection, "PRAGMA cache_size=-65536;");
        Execute(connection, "PRAGMA wal_autocheckpoint=0;");
        return new SqliteWriter(connection, new WalCheckpointer(unpooled));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    internal static IReadOnlyList<(int Version, string Sql)> Migrations() => EmbeddedMigrations.Load(typeof(SqliteStore).Assembly);

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}

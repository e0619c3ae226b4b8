using Baton.Storage;
using Npgsql;

namespace Baton.Postgres;

/// <summary>
/// The PostgreSQL store: a pooled data source for reads, one connection for the process's group-commit
/// writer, and schema migrations applied under an advisory lock so several nodes can start at once.
/// </summary>
internal sealed partial class PostgresStore : IBatonStore
{
    private readonly PostgresStoreOptions _options;
    private readonly NpgsqlDataSource _dataSource;

    public PostgresStore(PostgresStoreOptions options)
    {
        _options = options;
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);

        // Statements repeat endlessly: let Npgsql prepare them on the server after a second use.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        _dataSource = builder.Build();
        Schema = "\"" + options.Schema + "\"";
    }

    public string ProviderName => "postgres";

    /// <summary>The quoted schema name used in every statement.</summary>
    internal string Schema { get; }

    /// <summary>
    /// Applies the migrations. A node that starts while the server is briefly unreachable (restarting, failing over)
    /// keeps trying for <see cref="StartupRetryLimit"/> instead of failing its host's start.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var giveUpAt = DateTimeOffset.UtcNow + StartupRetryLimit;
        while (true)
        {
            try
            {
                await MigrateAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient && DateTimeOffset.UtcNow + delay < giveUpAt)
            {
                // Real time on purpose: this waits out a real server, whatever clock the engine runs on.
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>How long a starting node waits for an unreachable server: 30 seconds.</summary>
    internal static TimeSpan StartupRetryLimit { get; } = TimeSpan.FromSeconds(30);

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Serializes migrations across nodes starting together; released at commit.
                await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock(hashtext('baton-migrations:{_options.Schema}'))", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {Schema}", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {Schema}.schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)", cancellationToken).ConfigureAwait(false);
                var applied = new HashSet<int>();
                var command = new NpgsqlCommand($"SELECT version FROM {Schema}.schema_migrations", connection);
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            applied.Add(reader.GetInt32(0));
                        }
                    }
                }

                foreach (var (version, sql) in Migrations())
                {
                    if (applied.Contains(version))
                    {
                        continue;
                    }

                    await ExecuteAsync(connection, sql.Replace("{schema}", Schema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, $"INSERT INTO {Schema}.schema_migrations (version, applied_at) VALUES ({version}, {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})", cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // The connection opens with the first batch (and again after it breaks), so a node that starts while the database
    // is briefly unreachable waits in the writer's retries instead of losing its writer.
    public IStoreWriter OpenWriter() => new PostgresWriter(_dataSource.CreateConnection(), Schema, Channel);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    internal static IReadOnlyList<(int Version, string Sql)> Migrations() => EmbeddedMigrations.Load(typeof(PostgresStore).Assembly);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);

        await using var commandScope = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
}

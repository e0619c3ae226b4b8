using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Crawler.Listings;

/// <summary>Where the listings live: the same database as Baton's (a SQLite file or a PostgreSQL database).</summary>
internal abstract class ListingsDatabase
{
    /// <summary>Prefix of this provider's migration resources.</summary>
    public abstract string Provider { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public static ListingsDatabase Sqlite(string path) => new SqliteListingsDatabase(path);

    public static ListingsDatabase Postgres(string connectionString) => new PostgresListingsDatabase(connectionString);

    private sealed class SqliteListingsDatabase(string path) : ListingsDatabase
    {
        private readonly string _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        public override string Provider => "sqlite";

        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragma = connection.Command("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;");
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
    }

    private sealed class PostgresListingsDatabase(string connectionString) : ListingsDatabase
    {
        private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

        public override string Provider => "postgres";

        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
            => await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }
}

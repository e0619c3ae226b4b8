using Baton.Postgres;

namespace Baton;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgresBatonBuilderExtensions
{
    /// <summary>
    /// Stores Baton's state in PostgreSQL, so that worker processes on many machines share one database.
    /// Migrations run at start under an advisory lock, so nodes may start together.
    /// </summary>
    public static BatonBuilder UsePostgres(this BatonBuilder builder, string connectionString, Action<PostgresStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PostgresStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        options.Validate();
        return builder.UseStore(_ => new PostgresStore(options));
    }
}

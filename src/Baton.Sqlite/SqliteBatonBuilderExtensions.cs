using Baton.Sqlite;

namespace Baton;

/// <summary>Registers the embedded SQLite store.</summary>
public static class SqliteBatonBuilderExtensions
{
    /// <summary>Stores Baton's state in the SQLite database file at <paramref name="path"/> (created when missing).</summary>
    public static BatonBuilder UseSqlite(this BatonBuilder builder, string path, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SqliteStoreOptions { Path = path };
        configure?.Invoke(options);
        options.Validate();
        return builder.UseStore(_ => new SqliteStore(options));
    }
}

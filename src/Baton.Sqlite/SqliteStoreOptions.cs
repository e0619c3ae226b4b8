namespace Baton.Sqlite;

/// <summary>How the embedded SQLite store opens its database.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Path of the database file; its folder is created when missing. Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// Durability of commits. <see cref="SqliteSynchronous.Normal"/> (the default, with WAL) survives a crashed
    /// process; <see cref="SqliteSynchronous.Full"/> also survives a power loss, at a cost per commit.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Normal;

    /// <summary>
    /// How long a connection waits for a lock held by another process. Default is 5 seconds; at least 1 second,
    /// rounded up to whole seconds (Microsoft.Data.Sqlite counts its lock retries in seconds, and 0 would mean
    /// waiting forever).
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("The SQLite database path must not be empty", nameof(Path));
        }

        if (BusyTimeout < TimeSpan.FromSeconds(1))
        {
            // Microsoft.Data.Sqlite retries locked commands until a timeout in whole seconds where 0 means "forever",
            // so a shorter value would not be honored and 0 would hang every locked write.
            throw new ArgumentException("BusyTimeout must be at least 1 second", nameof(BusyTimeout));
        }
    }
}

/// <summary>SQLite's <c>synchronous</c> setting.</summary>
public enum SqliteSynchronous
{
    /// <summary>WAL with fsync at checkpoints: durable across process crashes.</summary>
    Normal,

    /// <summary>fsync on every commit: durable across power loss.</summary>
    Full,
}

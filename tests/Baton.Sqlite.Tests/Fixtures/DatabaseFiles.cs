using Microsoft.Data.Sqlite;

namespace Baton.Sqlite.Tests.Fixtures;

/// <summary>Looks at a database file from outside the engine under test.</summary>
internal static class DatabaseFiles
{
    /// <summary>Every table of the schema that holds state.</summary>
    public static readonly string[] Tables = ["events", "runs", "steps", "step_attempts", "waits", "idempotency", "event_skips", "leases", "cron_ticks", "resources", "flow_rate", "flow_pending", "flow_singleton"];

    /// <summary>Counts the rows of every table, for "nothing changed" checks.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            counts[table] = (long)(await command.ExecuteScalarAsync())!;
        }

        return counts;
    }

    /// <summary>
    /// Copies the database as a killed process leaves it on disk: the main file and its write-ahead log as they
    /// are now, without the shared-memory index (SQLite rebuilds it from the log on open). Whatever the engine
    /// acknowledged must be in this image; nothing it did in memory is.
    /// </summary>
    public static string CopyAsCrashImage(string source, string target)
    {
        File.Copy(source, target);
        if (File.Exists(source + "-wal"))
        {
            File.Copy(source + "-wal", target + "-wal");
        }

        return target;
    }

    /// <summary>Reads a run straight from the store, with no engine running on the file.</summary>
    public static async Task<RunInfo> ReadRunAsync(string path, string runId)
    {
        await using var store = new SqliteStore(new SqliteStoreOptions { Path = path });
        return await store.GetRunAsync(runId, CancellationToken.None) ?? throw new InvalidOperationException($"run {runId} is not in {path}");
    }

    /// <summary>Reads a run's steps straight from the store.</summary>
    public static async Task<IReadOnlyList<StepInfo>> ReadStepsAsync(string path, string runId)
    {
        await using var store = new SqliteStore(new SqliteStoreOptions { Path = path });
        return await store.GetStepsAsync(runId, includeAttempts: true, CancellationToken.None);
    }
}

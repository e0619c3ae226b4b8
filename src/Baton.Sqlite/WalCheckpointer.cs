using Microsoft.Data.Sqlite;

namespace Baton.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database file on its own connection and thread. SQLite would
/// otherwise checkpoint inside the writer's commits, stalling the group-commit loop that every run waits on.
/// Requests coalesce: at most one checkpoint runs at a time.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    private readonly SqliteConnection _connection;
    private Task _running = Task.CompletedTask;
    private int _busy;

    public WalCheckpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
    }

    /// <summary>Starts a passive checkpoint unless one is running.</summary>
    public void Request()
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return;
        }

        _running = Task.Run(() =>
        {
            try
            {
                SqliteStore.Execute(_connection, "PRAGMA wal_checkpoint(PASSIVE);");
            }
            catch (SqliteException)
            {
                // A busy database only postpones the checkpoint to the next request.
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        });
    }

    public void Dispose()
    {
        _running.Wait();
        _connection.Dispose();
    }
}

using System.Diagnostics;
using Baton.Sqlite.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Sqlite.Tests;

/// <summary>How the SQLite store sets up its database and its writer connection.</summary>
public sealed class SqliteSettingsTests
{
    [Fact]
    public async Task OpenWriter_DefaultOptions_WalWithSynchronousNormal()
    {
        using var db = new TempDatabase();
        await using var store = await InitializedStoreAsync(new SqliteStoreOptions { Path = db.Path });
        await using var writer = (SqliteWriter)store.OpenWriter();

        Assert.Equal("wal", Pragma(writer.Connection, "journal_mode"));
        Assert.Equal(1L, Pragma(writer.Connection, "synchronous"));
        Assert.Equal(5000L, Pragma(writer.Connection, "busy_timeout"));
    }

    [Fact]
    public async Task OpenWriter_SynchronousFull_WriterCommitsWithSynchronousFull()
    {
        using var db = new TempDatabase();
        await using var store = await InitializedStoreAsync(new SqliteStoreOptions { Path = db.Path, Synchronous = SqliteSynchronous.Full });
        await using var writer = (SqliteWriter)store.OpenWriter();

        Assert.Equal(2L, Pragma(writer.Connection, "synchronous"));
        Assert.Equal("wal", Pragma(writer.Connection, "journal_mode"));
    }

    [Fact]
    public async Task BeginAsync_WriteLockHeldElsewhere_FailsBusyOnlyAfterBusyTimeout()
    {
        using var db = new TempDatabase();
        var busyTimeout = TimeSpan.FromSeconds(1);
        await using var store = await InitializedStoreAsync(new SqliteStoreOptions { Path = db.Path, BusyTimeout = busyTimeout });
        await using var writer = store.OpenWriter();
        await using var other = new SqliteConnection($"Data Source={db.Path};Pooling=False");
        await other.OpenAsync();
        SqliteStore.Execute(other, "BEGIN IMMEDIATE;");

        // The wait itself is the behaviour under test: the lock is never released, so the writer must give up.
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SqliteException>(() => Task.Run(() => writer.BeginAsync(CancellationToken.None).AsTask()).WaitAsync(StepJournal.Guard));
        clock.Stop();

        Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY
        Assert.True(clock.Elapsed >= busyTimeout * 0.9, $"gave up after {clock.Elapsed}, before the busy timeout of {busyTimeout}");
        SqliteStore.Execute(other, "ROLLBACK;");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    [InlineData(-1)]
    public void UseSqlite_BusyTimeoutUnderOneSecond_ThrowsArgumentExceptionNamingIt(int milliseconds)
    {
        var baton = new ServiceCollection().AddBaton();

        var error = Assert.Throws<ArgumentException>(() => baton.UseSqlite("baton.db", o => o.BusyTimeout = TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Equal(nameof(SqliteStoreOptions.BusyTimeout), error.ParamName);
    }

    private static async Task<SqliteStore> InitializedStoreAsync(SqliteStoreOptions options)
    {
        var store = new SqliteStore(options);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static object? Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return command.ExecuteScalar();
    }
}

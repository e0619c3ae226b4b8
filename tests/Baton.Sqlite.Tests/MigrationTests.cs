using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;
using Microsoft.Data.Sqlite;

namespace Baton.Sqlite.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Start_NewFile_CreatesSchemaInWalMode()
    {
        await using var host = await BatonTestHost.StartAsync(_ => { });
        await host.Inspector.ListRunsAsync(new RunQuery());

        await using var connection = new SqliteConnection($"Data Source={host.DatabasePath}");
        await connection.OpenAsync();
        await using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync());
        await using var versions = connection.CreateCommand();
        versions.CommandText = "SELECT COUNT(*) FROM schema_migrations";
        Assert.Equal(SqliteStore.Migrations().Count(), Convert.ToInt32(await versions.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task InitializeAsync_SeveralStoresOnOneNewFileAtOnce_EachMigrationAppliedOnce()
    {
        using var db = new TempDatabase();
        var stores = Enumerable.Range(0, 4).Select(_ => new SqliteStore(new SqliteStoreOptions { Path = db.Path })).ToArray();
        try
        {
            using var start = new ManualResetEventSlim();
            var initializations = stores.Select(s => Task.Run(async () =>
            {
                start.Wait();
                await s.InitializeAsync(CancellationToken.None);
            })).ToArray();
            start.Set();
            await Task.WhenAll(initializations).WaitAsync(StepJournal.Guard);

            // And once more, on a file that is already up to date.
            await stores[0].InitializeAsync(CancellationToken.None);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        await using var connection = new SqliteConnection($"Data Source={db.Path};Pooling=False");
        await connection.OpenAsync();
        await using var versions = connection.CreateCommand();
        versions.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version)";
        Assert.Equal(string.Join(',', SqliteStore.Migrations().Select(m => m.Version)), (string?)await versions.ExecuteScalarAsync());
        Assert.Equal(DatabaseFiles.Tables.Length, (await DatabaseFiles.CountRowsAsync(db.Path)).Count);
    }
}

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
}

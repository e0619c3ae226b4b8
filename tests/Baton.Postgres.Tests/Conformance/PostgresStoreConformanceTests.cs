using Baton.Sqlite.Tests.Conformance;
using Baton.Storage;
using Npgsql;

namespace Baton.Postgres.Tests.Conformance;

/// <summary>The storage conformance suite on PostgreSQL, one new schema per test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreConformanceTests(PostgresServer server) : StoreConformanceTests
{
    private readonly string _schema = PostgresServer.NewSchema();

    protected override Task<IBatonStore> CreateIsolatedStoreAsync()
        => Task.FromResult<IBatonStore>(new PostgresStore(new PostgresStoreOptions { ConnectionString = server.ConnectionString, Schema = _schema }));

    protected override async Task DeleteIsolatedStoreAsync(IBatonStore store)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA \"{_schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}

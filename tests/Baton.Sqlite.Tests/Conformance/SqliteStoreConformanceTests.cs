using Baton.Storage;

namespace Baton.Sqlite.Tests.Conformance;

/// <summary>The storage conformance suite on the embedded SQLite store, one new database file per test.</summary>
public sealed class SqliteStoreConformanceTests : StoreConformanceTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IBatonStore> CreateIsolatedStoreAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult<IBatonStore>(new SqliteStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "conformance.db") }));
    }

    protected override Task DeleteIsolatedStoreAsync(IBatonStore store)
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the temp directory.
        }

        return Task.CompletedTask;
    }
}

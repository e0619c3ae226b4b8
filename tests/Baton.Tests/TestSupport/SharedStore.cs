using Baton.Testing;

namespace Baton.Tests.TestSupport;

/// <summary>One store for several hosts (one after the other, or side by side): the suite's provider (a new PostgreSQL schema) when set, else one SQLite file.</summary>
public sealed class SharedStore : IDisposable
{
    public SharedStore()
    {
        UseStore = BatonTestHost.DefaultStore?.Invoke();
        Path = UseStore is null ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N") + ".db") : null;
    }

    public Action<BatonBuilder>? UseStore { get; }

    public string? Path { get; }

    /// <summary>Starts a host on this store.</summary>
    public Task<BatonTestHost> StartAsync(Action<BatonBuilder> configure, Microsoft.Extensions.Time.Testing.FakeTimeProvider time)
        => BatonTestHost.StartAsync(configure, databasePath: Path, time: time, useStore: UseStore);

    public void Dispose()
    {
        if (Path is null)
        {
            return;
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }
    }
}

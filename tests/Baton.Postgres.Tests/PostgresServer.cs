using System.Diagnostics;
using Baton.TestSupport;

namespace Baton.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, started with pg_ctl on a
/// free loopback port, stopped and deleted when the test process exits. One cluster serves the whole test
/// run (each test uses its own schema). <c>BATON_TEST_POSTGRES</c> (a connection string) uses your own
/// server instead. Without binaries the tests fail with instructions; they never skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly Lazy<Task<PostgresServer>> SharedCluster = new(StartSharedAsync);

    /// <summary>The test run's one cluster, started on first use.</summary>
    public static Task<PostgresServer> Shared => SharedCluster.Value;

    private ThrowawayPostgres? _cluster;

    /// <summary>Connection string of the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>As a collection fixture: the shared cluster's connection string.</summary>
    public async Task InitializeAsync() => ConnectionString = (await Shared).ConnectionString;

    /// <summary>The shared cluster outlives every fixture; it stops when the process exits.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = new PostgresServer();
        await server.StartAsync();
        server.StopWhenThisProcessEnds();
        return server;
    }

    private async Task StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("BATON_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
            return;
        }

        _cluster = await ThrowawayPostgres.StartAsync(
            "baton-pg-", "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "BATON_TEST_POSTGRES");
        ConnectionString = _cluster.ConnectionString(maxPoolSize: 50);
    }

    /// <summary>
    /// The test host gives a process no reliable last word (it may be killed right after the last test), so a
    /// detached watchdog outside its process tree waits for this process to end, then stops the cluster and
    /// deletes its folder.
    /// </summary>
    private void StopWhenThisProcessEnds()
    {
        if (_cluster is null)
        {
            return;
        }

        var stop = $"tail --pid={Environment.ProcessId} -f /dev/null; {_cluster.StopAndDeleteCommand()}";
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"setsid /bin/sh -c '{stop}' </dev/null >/dev/null 2>&1 &");
        using var launcher = Process.Start(start) ?? throw new InvalidOperationException("could not start the cluster's watchdog");
        launcher.WaitForExit();
    }

    /// <summary>
    /// Restarts the cluster (<c>pg_ctl restart -m fast</c>: sessions are terminated, the server stops and starts on the
    /// same port and options) and returns when it accepts connections again. Only for the throwaway cluster.
    /// </summary>
    public Task RestartAsync() => _cluster?.RestartAsync()
        ?? throw new InvalidOperationException("Restarting needs the tests' own cluster; BATON_TEST_POSTGRES points at a server they must not restart");

    /// <summary>A new empty schema name for one test.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..16];
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

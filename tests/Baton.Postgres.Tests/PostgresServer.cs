using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

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

    private string? _directory;
    private string? _binaries;

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

        _binaries = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or under /usr/lib/postgresql/*/bin. "
            + "Install them (Debian/Ubuntu: 'apt-get install postgresql'; macOS: 'brew install postgresql@15') "
            + "or set BATON_TEST_POSTGRES to the connection string of a server the tests may use.");
        _directory = Path.Combine(Path.GetTempPath(), "baton-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        var data = DataDirectory;
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _directory]);
        }

        await RunPostgresAsync(asRoot, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        var port = FreePort();
        var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        await RunPostgresAsync(asRoot, "pg_ctl", ["-D", data, "-o", options, "-l", Path.Combine(_directory, "postgres.log"), "-w", "-t", "60", "start"]);
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";
    }

    /// <summary>
    /// The test host gives a process no reliable last word (it may be killed right after the last test), so a
    /// detached watchdog outside its process tree waits for this process to end, then stops the cluster and
    /// deletes its folder.
    /// </summary>
    private void StopWhenThisProcessEnds()
    {
        if (_directory is null || _binaries is null)
        {
            return;
        }

        var pgCtl = Path.Combine(_binaries, "pg_ctl");
        var asUser = Environment.UserName == "root" ? "runuser -u postgres -- " : "";
        var stop = $"tail --pid={Environment.ProcessId} -f /dev/null; {asUser}{pgCtl} -D {_directory}/data -m immediate -w stop >/dev/null 2>&1; rm -rf {_directory}";
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
    public Task RestartAsync()
    {
        if (_directory is null)
        {
            throw new InvalidOperationException("Restarting needs the tests' own cluster; BATON_TEST_POSTGRES points at a server they must not restart");
        }

        return RunPostgresAsync(Environment.UserName == "root", "pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_directory, "postgres.log"), "-m", "fast", "-w", "-t", "60", "restart"]);
    }

    private string DataDirectory => Path.Combine(_directory!, "data");

    /// <summary>A new empty schema name for one test.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..16];

    private static string? FindBinaries()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var dir in Directory.GetDirectories("/usr/lib/postgresql").OrderDescending())
            {
                var bin = Path.Combine(dir, "bin");
                if (File.Exists(Path.Combine(bin, "initdb")))
                {
                    return bin;
                }
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunPostgresAsync(bool asRoot, string tool, string[] arguments)
    {
        var executable = Path.Combine(_binaries!, tool);
        return asRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments])
            : RunAsync(executable, arguments);
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Baton.Bench.Postgres;

/// <summary>
/// The postgres suite's server: <c>BATON_BENCH_POSTGRES</c> (a connection string) when set, otherwise a
/// throwaway cluster — initdb into a temporary folder, started with pg_ctl on a free loopback port (as the
/// <c>postgres</c> OS user when running as root), stopped and deleted on dispose. Baton and its peers use
/// the same cluster with the same settings, and those settings are durable: fsync and synchronous_commit on.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The environment variable naming an existing server; the suite sets it for its child processes.</summary>
    public const string Variable = "BATON_BENCH_POSTGRES";

    /// <summary>
    /// Server settings apart from PostgreSQL's defaults: memory for a 24 GB machine, enough connections for three
    /// nodes and the peers. Durability settings (fsync, synchronous_commit, full_page_writes) stay at their defaults.
    /// </summary>
    public const string Settings = "-c shared_buffers=1GB -c max_connections=300 -c max_wal_size=4GB -c checkpoint_timeout=15min";

    private readonly string? _directory;
    private readonly string? _binaries;

    private PostgresCluster(string connectionString, string? directory, string? binaries)
    {
        ConnectionString = connectionString;
        _directory = directory;
        _binaries = binaries;
    }

    /// <summary>Connection string of the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// A PostgreSQL suite's preparation: starts the cluster (or takes <c>BATON_BENCH_POSTGRES</c>) and hands it to child
    /// processes through that variable.
    /// </summary>
    public static async Task<IAsyncDisposable?> PrepareSuiteAsync()
    {
        var cluster = await StartAsync();
        Environment.SetEnvironmentVariable(Variable, cluster.ConnectionString);
        return cluster;
    }

    /// <summary>A PostgreSQL suite's store: a fresh schema per host on the server <see cref="PrepareSuiteAsync"/> set up.</summary>
    public static Harness.BenchStore SuiteStore() => new Harness.PostgresBenchStore(
        Environment.GetEnvironmentVariable(Variable) ?? throw new InvalidOperationException($"{Variable} is not set"));

    /// <summary>Uses <c>BATON_BENCH_POSTGRES</c> or starts a throwaway cluster.</summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresCluster(external, null, null);
        }

        var binaries = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin; install them or set "
            + Variable + " to the connection string of a server the benchmark may use.");
        var directory = Path.Combine(Path.GetTempPath(), "baton-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }

        var data = Path.Combine(directory, "data");
        await RunToolAsync(binaries, asRoot, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        var port = FreePort();
        var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={directory} {Settings}";
        await RunToolAsync(binaries, asRoot, "pg_ctl", ["-D", data, "-o", options, "-l", Path.Combine(directory, "postgres.log"), "-w", "-t", "60", "start"]);
        Console.Error.WriteLine($"[postgres] throwaway cluster on 127.0.0.1:{port} ({Settings}; fsync and synchronous_commit on)");
        return new PostgresCluster(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=100", directory, binaries);
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null || _binaries is null)
        {
            return;
        }

        try
        {
            await RunToolAsync(_binaries, Environment.UserName == "root", "pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string? FindBinaries()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunToolAsync(string binaries, bool asRoot, string tool, string[] arguments)
    {
        var executable = Path.Combine(binaries, tool);
        return asRoot ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments]) : RunAsync(executable, arguments);
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

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Baton.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster made from the server binaries: initdb into a new temporary folder, then pg_ctl on a
/// free loopback port (as the <c>postgres</c> OS user when running as root). Linked into the PostgreSQL tests and the
/// benchmark harness, which choose its settings and when it stops.
/// </summary>
internal sealed class ThrowawayPostgres
{
    private ThrowawayPostgres(string binaries, string directory, int port)
    {
        Binaries = binaries;
        Folder = directory;
        Port = port;
    }

    public int Port { get; }

    private string Binaries { get; }

    /// <summary>The folder holding the cluster's data directory, socket and log; deleted when the cluster stops.</summary>
    private string Folder { get; }

    private string DataDirectory => Path.Combine(Folder, "data");

    private string LogFile => Path.Combine(Folder, "postgres.log");

    private static bool AsRoot => Environment.UserName == "root";

    /// <summary>
    /// Creates and starts a cluster with <paramref name="settings"/> (<c>-c name=value</c> options) in a new folder named
    /// <paramref name="folderPrefix"/> and a random suffix. Without binaries it throws with how to install them, or to
    /// name an existing server through <paramref name="serverVariable"/>.
    /// </summary>
    public static async Task<ThrowawayPostgres> StartAsync(string folderPrefix, string settings, string serverVariable)
    {
        var binaries = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or under /usr/lib/postgresql/*/bin. "
            + "Install them (Debian/Ubuntu: 'apt-get install postgresql'; macOS: 'brew install postgresql@15') "
            + $"or set {serverVariable} to the connection string of a server to use.");
        var directory = Path.Combine(Path.GetTempPath(), folderPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (AsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }

        var cluster = new ThrowawayPostgres(binaries, directory, FreePort());
        await cluster.RunToolAsync("initdb", ["-D", cluster.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        var options = $"-p {cluster.Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={directory} {settings}";
        await cluster.RunToolAsync("pg_ctl", ["-D", cluster.DataDirectory, "-o", options, "-l", cluster.LogFile, "-w", "-t", "60", "start"]);
        return cluster;
    }

    /// <summary>Connection string of the <c>postgres</c> database, pooled up to <paramref name="maxPoolSize"/> connections.</summary>
    public string ConnectionString(int maxPoolSize) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size={maxPoolSize}";

    /// <summary>Restarts the server (<c>-m fast</c>: sessions are terminated) on the same port and options; returns once it accepts connections.</summary>
    public Task RestartAsync() => RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-m", "fast", "-w", "-t", "60", "restart"]);

    /// <summary>Stops the server at once and deletes its folder.</summary>
    public async Task StopAndDeleteAsync()
    {
        try
        {
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>A shell command that stops the server at once and deletes its folder, for a watchdog outside this process.</summary>
    public string StopAndDeleteCommand()
        => $"{(AsRoot ? "runuser -u postgres -- " : "")}{Path.Combine(Binaries, "pg_ctl")} -D {DataDirectory} -m immediate -w stop >/dev/null 2>&1; rm -rf {Folder}";

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

    private Task RunToolAsync(string tool, string[] arguments)
    {
        var executable = Path.Combine(Binaries, tool);
        return AsRoot ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments]) : RunAsync(executable, arguments);
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

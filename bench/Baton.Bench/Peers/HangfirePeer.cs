using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Baton.Bench.Harness;

namespace Baton.Bench.Peers;

/// <summary>What the Hangfire peer measured: N no-op jobs enqueued and processed until all succeeded.</summary>
internal sealed record HangfireResult(
    string Storage,
    int Count,
    int Workers,
    double Seconds,
    double EnqueueSeconds,
    double JobsPerSecond,
    double CpuMicrosecondsPerJob,
    double AllocatedBytesPerJob);

/// <summary>
/// Runs Hangfire (1.8, with <c>Hangfire.InMemory</c> or <c>Hangfire.Storage.SQLite</c>) on the same work in a
/// child process (bench/Baton.Bench.Hangfire), built together with this benchmark.
/// </summary>
internal static class HangfirePeer
{
    /// <summary>Label of the in-memory peer in the figures.</summary>
    public const string InMemory = "hangfire-inmemory";

    /// <summary>Label of the SQLite peer in the figures.</summary>
    public const string Sqlite = "hangfire-sqlite";

    /// <summary>Label of the PostgreSQL peer in the figures (Hangfire.PostgreSql).</summary>
    public const string Postgres = "hangfire-postgresql";

    /// <summary>
    /// Worker counts chosen by a sweep on this machine (docs/benchmarks.md): with 2 cores, Hangfire is fastest
    /// with few workers on both storages; its default (5 per core) is slower on both.
    /// </summary>
    public const int InMemoryWorkers = 2;

    /// <inheritdoc cref="InMemoryWorkers"/>
    public const int SqliteWorkers = 2;

    /// <summary>
    /// Runs the peer on <paramref name="count"/> jobs; with <paramref name="maxSeconds"/>, enqueueing stops when
    /// that time has passed and the result counts the jobs enqueued until then.
    /// </summary>
    public static async Task<HangfireResult> RunAsync(ScenarioContext context, string storage, int count, int workers, int warmup, double? maxSeconds = null, string? connection = null)
    {
        var (fileName, prefix) = Command();
        context.Log($"hangfire/{storage}: {count} jobs, {workers} workers (warm-up {warmup})");
        string[] arguments =
        [
            .. prefix,
            "--storage", storage,
            "--count", count.ToString(CultureInfo.InvariantCulture),
            "--workers", workers.ToString(CultureInfo.InvariantCulture),
            "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
            "--poll-ms", "10",
            .. (maxSeconds is { } budget ? new[] { "--max-seconds", budget.ToString(CultureInfo.InvariantCulture) } : []),
            .. (connection is not null ? new[] { "--connection", connection } : []),
        ];
        HangfireResult? result = null;
        var exitCode = await ChildProcess.RunAsync(fileName, arguments, line =>
        {
            if (line.StartsWith('{'))
            {
                result = JsonSerializer.Deserialize<HangfireResult>(line, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        });
        if (exitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"the Hangfire peer ({storage}) failed with exit code {exitCode}");
        }

        context.Log($"hangfire/{storage}: {result.JobsPerSecond:F0} jobs/s ({result.Seconds:F2} s, enqueue {result.EnqueueSeconds:F2} s, " +
                    $"{result.CpuMicrosecondsPerJob:F0} us cpu/job, {result.AllocatedBytesPerJob:F0} B/job)");
        return result;
    }

    private static (string FileName, string[] Prefix) Command()
    {
        var directory = typeof(HangfirePeer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "HangfirePeerDirectory")?.Value
            ?? throw new InvalidOperationException("the benchmark was built without the Hangfire peer's location");
        var appHost = Path.Combine(directory, OperatingSystem.IsWindows() ? "Baton.Bench.Hangfire.exe" : "Baton.Bench.Hangfire");
        if (File.Exists(appHost))
        {
            return (appHost, []);
        }

        var dll = Path.Combine(directory, "Baton.Bench.Hangfire.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("the Hangfire peer is not built; build bench/Baton.Bench (it builds the peer too)", dll);
        }

        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll]);
    }
}

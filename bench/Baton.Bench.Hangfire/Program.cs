// The Hangfire peer for Baton's benchmarks: enqueues N no-op jobs while a BackgroundJobServer processes
// them, and prints one JSON object with the time from the first enqueue until all N jobs have succeeded.
//
//   Baton.Bench.Hangfire --storage inmemory|sqlite|postgres [--connection CS] --count N [--workers W] [--poll-ms P] [--producers P] [--warmup N] [--max-seconds S] [--dir PATH]
//
// It runs in its own process (see the csproj); the Baton benchmark starts it and reads its stdout.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Baton.Bench.Hangfire;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;

var options = PeerOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Baton.Bench.Hangfire --storage inmemory|sqlite|postgres [--connection CS] --count N [--workers W] [--poll-ms P] [--producers P] [--warmup N] [--max-seconds S] [--dir PATH]");
    return 2;
}

Directory.CreateDirectory(options.Directory);
try
{
    if (options.Warmup > 0)
    {
        Console.Error.WriteLine($"[hangfire/{options.Storage}] warm-up: {options.Warmup} jobs");
        await RunAsync(options, options.Warmup, "warmup");
    }

    Console.Error.WriteLine($"[hangfire/{options.Storage}] measuring: {options.Count} jobs, {options.Workers} workers");
    var result = await RunAsync(options, options.Count, "measure");
    Console.Out.WriteLine(JsonSerializer.Serialize(result, PeerJson.Options));
    return 0;
}
finally
{
    try
    {
        Directory.Delete(options.Directory, recursive: true);
    }
    catch (IOException)
    {
    }
}

static async Task<PeerResult> RunAsync(PeerOptions options, int count, string label)
{
    JobStorage storage = options.Storage switch
    {
        "inmemory" => new InMemoryStorage(new InMemoryStorageOptions()),
        "postgres" => PostgresStorage(options, label),
        _ => new SQLiteStorage(Path.Combine(options.Directory, label + ".db"), new SQLiteStorageOptions
        {
            QueuePollInterval = TimeSpan.FromMilliseconds(options.PollMs),
            JournalMode = SQLiteStorageOptions.JournalModes.WAL,
        }),
    };

    NoopJob.Reset(count);
    var serverOptions = new BackgroundJobServerOptions
    {
        WorkerCount = options.Workers,
        SchedulePollingInterval = TimeSpan.FromMilliseconds(options.PollMs),
        ServerName = "bench-" + label,
    };
    var client = new BackgroundJobClient(storage);
    using var server = new BackgroundJobServer(serverOptions, storage);

    var allocated = GC.GetTotalAllocatedBytes(precise: false);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var started = Stopwatch.GetTimestamp();

    // Hangfire (open source) has no batch enqueue: each Enqueue is its own storage transaction. Producers
    // enqueue concurrently (one per core unless told) while the server processes.
    var producers = options.Producers;
    // With a time budget, enqueueing stops when it runs out and the jobs enqueued so far are the count.
    var budget = options.MaxSeconds > 0 ? TimeSpan.FromSeconds(options.MaxSeconds) : TimeSpan.MaxValue;
    var next = -1;
    var enqueuedCount = 0;
    var enqueue = Enumerable.Range(0, producers).Select(_ => Task.Run(() =>
    {
        while (Interlocked.Increment(ref next) < count && Stopwatch.GetElapsedTime(started) < budget)
        {
            client.Enqueue(() => NoopJob.Run());
            Interlocked.Increment(ref enqueuedCount);
        }
    })).ToArray();
    await Task.WhenAll(enqueue);
    var enqueued = Stopwatch.GetElapsedTime(started);
    if (enqueuedCount < count)
    {
        Console.Error.WriteLine($"[hangfire/{options.Storage}] time budget of {options.MaxSeconds} s reached: {enqueuedCount} of {count} jobs enqueued");
        count = enqueuedCount;
        NoopJob.LowerTarget(count);
    }

    await NoopJob.AllDone.WaitAsync(TimeSpan.FromMinutes(30));

    // A body that returned is not yet a succeeded job: wait for the state change to commit too.
    var monitoring = storage.GetMonitoringApi();
    while (monitoring.SucceededListCount() < count)
    {
        await Task.Delay(5);
    }

    var elapsed = Stopwatch.GetElapsedTime(started);
    var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    var bytes = GC.GetTotalAllocatedBytes(precise: false) - allocated;
    server.SendStop();
    return new PeerResult(
        options.Storage,
        count,
        options.Workers,
        elapsed.TotalSeconds,
        enqueued.TotalSeconds,
        count / elapsed.TotalSeconds,
        cpuUsed.TotalMilliseconds * 1000 / count,
        (double)bytes / count);
}

// Hangfire.PostgreSql on the benchmark's cluster, in a schema of its own per measurement; it hears new jobs
// through LISTEN/NOTIFY (long polling) and polls every --poll-ms otherwise.
static PostgreSqlStorage PostgresStorage(PeerOptions options, string label)
{
    var storageOptions = new PostgreSqlStorageOptions
    {
        // Set first: it allows the poll interval below Hangfire.PostgreSql's suggested minimum of 50 ms.
        AllowUnsafeValues = true,
        SchemaName = "hangfire_" + label + "_" + Guid.NewGuid().ToString("N")[..8],
        PrepareSchemaIfNecessary = true,
        QueuePollInterval = TimeSpan.FromMilliseconds(options.PollMs),
        EnableLongPolling = true,
    };
    return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(options.Connection, storageOptions), storageOptions);
}

internal sealed record PeerResult(
    string Storage,
    int Count,
    int Workers,
    double Seconds,
    double EnqueueSeconds,
    double JobsPerSecond,
    double CpuMicrosecondsPerJob,
    double AllocatedBytesPerJob);

internal static class PeerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

internal sealed class PeerOptions
{
    public string Storage { get; private set; } = "";

    public int Count { get; private set; }

    public int Workers { get; private set; } = Math.Min(Environment.ProcessorCount * 5, 20);

    public int PollMs { get; private set; } = 25;

    public int Producers { get; private set; } = Environment.ProcessorCount;

    public int Warmup { get; private set; }

    public string Connection { get; private set; } = "";

    public double MaxSeconds { get; private set; }

    public string Directory { get; private set; } = Path.Combine(Path.GetTempPath(), "baton-bench-hangfire-" + Guid.NewGuid().ToString("N")[..8]);

    public static PeerOptions? Parse(string[] args)
    {
        var options = new PeerOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--storage":
                    options.Storage = value;
                    break;
                case "--count":
                    options.Count = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--workers":
                    options.Workers = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--producers":
                    options.Producers = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--poll-ms":
                    options.PollMs = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    options.Warmup = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--max-seconds":
                    options.MaxSeconds = double.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--connection":
                    options.Connection = value;
                    break;
                case "--dir":
                    options.Directory = value;
                    break;
                default:
                    return null;
            }
        }

        return (options.Storage is "inmemory" or "sqlite" || (options.Storage == "postgres" && options.Connection.Length > 0)) && options.Count > 0 && options.Workers > 0 && options.PollMs > 0 && options.Producers > 0 && args.Length % 2 == 0 ? options : null;
    }
}

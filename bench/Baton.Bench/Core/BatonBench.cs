using Baton.Bench.Harness;
using Baton.Bench.Profiling;
using Baton.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Bench.Core;

/// <summary>
/// A Baton host as an application would run it (<c>AddBaton().UseSqlite(...)</c> or <c>UsePostgres(...)</c>, the
/// hosted worker), on a fresh database of the scenario's store (a SQLite file in its own temporary directory, a
/// PostgreSQL schema) that is deleted on dispose.
/// </summary>
internal sealed class BatonBench : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly BenchDatabase _database;
    private readonly bool _ownsDatabase;

    private BatonBench(IHost host, BenchDatabase database, bool ownsDatabase, StoreProfile? profile)
    {
        _ownsDatabase = ownsDatabase;
        _host = host;
        _database = database;
        Profile = profile;
        Client = host.Services.GetRequiredService<IBatonClient>();
        Changes = host.Services.GetRequiredService<ChangeFeed>();
    }

    public IBatonClient Client { get; }

    public ChangeFeed Changes { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>The database this host uses (a SQLite file, a PostgreSQL schema).</summary>
    public BenchDatabase Database => _database;

    /// <summary>Timings of every storage call, when the benchmark runs with <c>--profile</c>.</summary>
    public StoreProfile? Profile { get; }

    /// <summary>
    /// The engine options every scenario starts from: Baton's defaults (MaxConcurrentRuns 256, ClaimBatchSize
    /// 128, PollInterval 1 s; the worker is woken by commits, not by polling). Larger claims and more runs in
    /// flight (1024/512, 4096/1024) made no difference beyond this machine's noise. A scenario changes what it
    /// needs through <c>configure</c>.
    /// </summary>
    public static void Defaults(BatonOptions options)
    {
        options.ShutdownGracePeriod = TimeSpan.FromSeconds(10);

        // BATON_BENCH_IN_FLIGHT=1024:512 overrides MaxConcurrentRuns and ClaimBatchSize (in every child and node process
        // too), to measure how throughput depends on the runs in flight.
        if (Environment.GetEnvironmentVariable("BATON_BENCH_IN_FLIGHT") is { } inFlight && inFlight.Split(':') is [var max, var claim])
        {
            options.MaxConcurrentRuns = int.Parse(max, System.Globalization.CultureInfo.InvariantCulture);
            options.ClaimBatchSize = int.Parse(claim, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public static async Task<BatonBench> StartAsync(
        ScenarioContext context,
        Action<BatonBuilder> functions,
        Action<BatonOptions>? configure = null,
        TimeProvider? time = null,
        BenchDatabase? shared = null)
    {
        var database = shared ?? await context.Store.CreateAsync(context.Scenario);
        try
        {
            var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddFilter((category, level) => level >= LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            var baton = builder.Services.AddBaton();
            database.Use(baton);
            baton.Configure(Defaults);
            if (configure is not null)
            {
                baton.Configure(configure);
            }

            functions(baton);
            var profile = context.Profile ? StoreProfile.Install(baton) : null;
            var host = builder.Build();
            await host.StartAsync();
            return new BatonBench(host, database, shared is null, profile);
        }
        catch
        {
            if (shared is null)
            {
                await database.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }

            if (_ownsDatabase)
            {
                await _database.DisposeAsync();
            }
        }
    }

    /// <summary>Sends <paramref name="count"/> events named <paramref name="name"/> in batches, one batch at a time, as an ingesting API would.</summary>
    public async Task SendAsync(string name, int count, Func<int, object?>? data = null, int batchSize = 500)
    {
        var batch = new List<EventMessage>(batchSize);
        for (var i = 0; i < count; i++)
        {
            batch.Add(new EventMessage(name, data?.Invoke(i)));
            if (batch.Count == batchSize || i == count - 1)
            {
                await Client.SendAsync(batch);
                batch.Clear();
            }
        }
    }

    /// <summary>Counts committed run changes of one status (completed, sleeping, …).</summary>
    public RunCounter Count(RunStatus status, int target) => new(Changes, status, target);

    internal IBatonStore Store => Services.GetRequiredService<IBatonStore>();
}

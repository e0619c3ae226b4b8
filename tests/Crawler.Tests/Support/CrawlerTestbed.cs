using Baton;
using Baton.Postgres.Tests;
using Baton.Testing;
using Crawler.Analysis;
using Crawler.Ebay;
using Crawler.Functions;
using Crawler.Listings;
using Crawler.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Crawler.Tests.Support;

/// <summary>
/// The crawler on a Baton test host (fake clock; one database shared by Baton and the listings: a temporary SQLite
/// file or a schema on the throwaway PostgreSQL) against the simulated marketplace on the same clock.
/// </summary>
public sealed class CrawlerTestbed : IAsyncDisposable
{
    private readonly string _databasePath;

    private CrawlerTestbed(BatonTestHost host, SimulatorHost simulator, CrawlerSettings settings, string databasePath)
    {
        Host = host;
        Simulator = simulator;
        Settings = settings;
        _databasePath = databasePath;
        Store = host.Services.GetRequiredService<ListingsStore>();
    }

    public BatonTestHost Host { get; }

    internal SimulatorHost Simulator { get; }

    internal SimulatedMarketplace Marketplace => Simulator.Marketplace;

    internal CrawlerSettings Settings { get; }

    internal ListingsStore Store { get; }

    public FakeTimeProvider Time => Host.Time;

    /// <summary>The providers the end-to-end tests run on: Baton and the listings share one database of each.</summary>
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    /// <summary>
    /// Starts the simulator and the crawler on <paramref name="provider"/>: <c>sqlite</c> (a temporary file, or
    /// <paramref name="databasePath"/>) or <c>postgres</c> (a new schema on the throwaway test cluster, which fails
    /// with installation instructions when the server binaries are missing).
    /// </summary>
    internal static async Task<CrawlerTestbed> StartAsync(Action<SimulatorOptions>? simulator = null, Action<CrawlerOptions>? crawler = null, string? databasePath = null, FakeTimeProvider? time = null, string provider = "sqlite")
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        databasePath ??= Path.Combine(Path.GetTempPath(), "crawler-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        var simOptions = new SimulatorOptions { Port = 0, Scale = 0.05, PerSecond = 10_000, DailyQuota = 1_000_000 };
        simulator?.Invoke(simOptions);
        var sim = await SimulatorHost.StartAsync(simOptions, time);
        var crawlerOptions = new CrawlerOptions { SqlitePath = databasePath, RefreshCron = "0 0 1 1 *", EnrichMaxPerRun = 5, PageSize = 50 };
        crawler?.Invoke(crawlerOptions);
        Action<BatonBuilder>? useStore = null;
        switch (provider)
        {
            case "sqlite":
                break;
            case "postgres":
                var connectionString = (await PostgresServer.Shared).ConnectionString;
                var schema = PostgresServer.NewSchema();
                await using (var connection = new NpgsqlConnection(connectionString))
                {
                    await connection.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
                    await create.ExecuteNonQueryAsync();
                }

                crawlerOptions.Storage = "postgres";
                crawlerOptions.PostgresConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ToString();
                useStore = b => b.UsePostgres(connectionString, o => o.Schema = schema);
                break;
            default:
                throw new ArgumentException($"unknown provider '{provider}'", nameof(provider));
        }

        var ebay = new EbayOptions { BaseUrl = sim.BaseUrl, ClientId = "testbed", ClientSecret = "secret", ThrottledRetryAfter = TimeSpan.FromSeconds(1) };
        var settings = new CrawlerSettings(crawlerOptions, ebay, simOptions, ExchangeRates.Default);
        var host = await BatonTestHost.StartAsync(
            b => b.AddCrawlerFunctions(settings),
            services: s => s.AddCrawler(settings),
            databasePath: useStore is null ? databasePath : null,
            time: time,
            useStore: useStore);
        await host.Services.GetRequiredService<ListingsStore>().MigrateAsync();
        return new CrawlerTestbed(host, sim, settings, databasePath);
    }

    /// <summary>Sends a capture of <paramref name="watchlist"/> on each of its marketplaces; returns the event ids.</summary>
    internal async Task<IReadOnlyList<string>> CaptureAsync(Watchlist watchlist)
    {
        await Store.AddWatchlistAsync(watchlist);
        return await Host.Client.SendAsync(RefreshWatchlistsFunction.CaptureRequests(watchlist).Select(r => new EventMessage(CrawlerEvents.CaptureRequested, r)));
    }

    /// <summary>
    /// Drives the fake clock until every run has finished. While a run is running, or queued and due, the engine moves
    /// on its own and its next commit (a claim, a step, a park, a finish) wakes this loop; when every unfinished run
    /// waits for a later time, the clock moves to the earliest of them. Nothing waits a fixed time: a run that is in
    /// flight but commits nothing for <see cref="BatonTestHost.WaitTimeout"/> (real time) fails the test as stuck.
    /// </summary>
    public async Task<IReadOnlyList<RunInfo>> RunUntilIdleAsync(TimeSpan? limit = null)
    {
        var signal = new SemaphoreSlim(0);

        // Subscribed before the first read: a commit made between a read and the wait below is counted, never missed.
        using var subscription = Host.Changes.Subscribe(_ => signal.Release());
        var deadline = Time.GetUtcNow() + (limit ?? TimeSpan.FromHours(6));
        while (true)
        {
            // Every commit seen so far is reflected in the read that follows.
            while (signal.Wait(0))
            {
            }

            var runs = await AllRunsAsync();
            var now = Time.GetUtcNow();
            var unfinished = runs.Where(r => r.Status is not (RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled)).ToArray();
            if (runs.Count > 0 && unfinished.Length == 0)
            {
                return runs;
            }

            if (now > deadline)
            {
                throw new TimeoutException($"Runs still unfinished after {limit}: {Describe(unfinished)}");
            }

            var busy = unfinished.Any(r => r.Status == RunStatus.Running || (r.Status == RunStatus.Queued && (r.DueAt is null || r.DueAt <= now)));
            if (!busy)
            {
                var later = unfinished.Where(r => r.DueAt > now).Select(r => r.DueAt!.Value).ToArray();
                if (later.Length == 0)
                {
                    throw new InvalidOperationException($"Nothing is in flight and nothing is due later, yet runs are unfinished: {Describe(unfinished)}");
                }

                Host.Advance(later.Min() - now);
                continue;
            }

            if (!await signal.WaitAsync(Host.WaitTimeout))
            {
                throw new TimeoutException($"No commit within {Host.WaitTimeout} while runs were in flight: {Describe(unfinished)}");
            }
        }
    }

    private static string Describe(IEnumerable<RunInfo> runs) => string.Join(", ", runs.Select(r => $"{r.FunctionId} {r.Id} {r.Status} due {r.DueAt:O}"));

    public async Task<IReadOnlyList<RunInfo>> AllRunsAsync()
    {
        var all = new List<RunInfo>();
        string? cursor = null;
        do
        {
            var page = await Host.Inspector.ListRunsAsync(new RunQuery { Limit = 500, Cursor = cursor });
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Simulator.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(_databasePath + suffix);
            }
            catch (IOException)
            {
            }
        }
    }
}

using Baton;
using Baton.Testing;
using Crawler.Analysis;
using Crawler.Ebay;
using Crawler.Functions;
using Crawler.Listings;
using Crawler.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Crawler.Tests.Support;

/// <summary>
/// The crawler on a Baton test host (fake clock, temporary SQLite file shared by Baton and the listings) against the
/// simulated marketplace on the same clock.
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

    internal static async Task<CrawlerTestbed> StartAsync(Action<SimulatorOptions>? simulator = null, Action<CrawlerOptions>? crawler = null, string? databasePath = null, FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        databasePath ??= Path.Combine(Path.GetTempPath(), "crawler-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        var simOptions = new SimulatorOptions { Port = 0, Scale = 0.05, PerSecond = 10_000, DailyQuota = 1_000_000 };
        simulator?.Invoke(simOptions);
        var sim = await SimulatorHost.StartAsync(simOptions, time);
        var crawlerOptions = new CrawlerOptions { SqlitePath = databasePath, RefreshCron = "0 0 1 1 *", EnrichMaxPerRun = 5, PageSize = 50 };
        crawler?.Invoke(crawlerOptions);
        var ebay = new EbayOptions { BaseUrl = sim.BaseUrl, ClientId = "testbed", ClientSecret = "secret", ThrottledRetryAfter = TimeSpan.FromSeconds(1) };
        var settings = new CrawlerSettings(crawlerOptions, ebay, simOptions, ExchangeRates.Default);
        var host = await BatonTestHost.StartAsync(
            b => b.AddCrawlerFunctions(settings),
            services: s => s.AddCrawler(settings),
            databasePath: databasePath,
            time: time);
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
    /// Drives the fake clock until every run has finished: while a run is running or due it waits for the engine's
    /// next committed change; when all are waiting for a later time it moves the clock to the earliest of them.
    /// </summary>
    public async Task<IReadOnlyList<RunInfo>> RunUntilIdleAsync(TimeSpan? limit = null)
    {
        var signal = new SemaphoreSlim(0);
        using var subscription = Host.Changes.Subscribe(_ => signal.Release());
        var deadline = Time.GetUtcNow() + (limit ?? TimeSpan.FromHours(6));
        using var realTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (true)
        {
            var runs = await AllRunsAsync();
            var now = Time.GetUtcNow();
            if (runs.Count > 0 && runs.All(r => r.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled))
            {
                return runs;
            }

            if (now > deadline)
            {
                throw new TimeoutException($"Runs still unfinished after {limit}: {string.Join(", ", runs.Where(r => r.Status is not (RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled)).Select(r => $"{r.FunctionId} {r.Status}"))}");
            }

            var waiting = runs.Where(r => r.Status is RunStatus.Queued or RunStatus.Sleeping && r.DueAt > now).ToArray();
            var busy = runs.Any(r => r.Status == RunStatus.Running || (r.Status == RunStatus.Queued && (r.DueAt is null || r.DueAt <= now)));
            if (!busy && waiting.Length > 0)
            {
                Host.Advance(waiting.Min(r => r.DueAt!.Value) - now);
                continue;
            }

            // Something is in flight: its next commit wakes us. A due run the worker has not looked at yet is
            // picked up at its next poll, which the clock drives; nudge it if nothing commits for a while.
            if (!await signal.WaitAsync(TimeSpan.FromMilliseconds(200), realTimeout.Token))
            {
                Host.Advance(TimeSpan.FromMilliseconds(500));
            }
        }
    }

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

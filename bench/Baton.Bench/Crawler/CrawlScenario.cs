using System.Diagnostics;
using Baton.Bench.Harness;
using Crawler;
using Crawler.Analysis;
using Crawler.Ebay;
using Crawler.Functions;
using Crawler.Listings;
using Crawler.Marketplaces;
using Crawler.Simulator;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Bench.Crawler;

/// <summary>
/// Crawls the simulated marketplace (no latency, a budget too large to bind) end to end through Baton's
/// <c>capture</c> function, and the same pages in a plain loop (adapter call, then the same listings upsert): pages/s
/// and listings/s of both, and Baton's own overhead per page as the difference of the two elapsed times.
/// </summary>
internal sealed class CrawlScenario : IScenario
{
    private static readonly (string Marketplace, string Query)[] Searches =
    [
        ("EBAY_US", "pokemon"), ("EBAY_US", "iphone"), ("EBAY_GB", "lego"), ("EBAY_GB", "nintendo switch"), ("EBAY_DE", "canon"), ("EBAY_DE", "lego"),
    ];

    public string Name => "crawl";

    public async Task RunAsync(ScenarioContext context)
    {
        var simulatorOptions = new SimulatorOptions
        {
            Port = 0,
            Scale = context.Size(0.6, 0.1),
            PerSecond = 1_000_000,
            DailyQuota = int.MaxValue,
            ChurnInterval = TimeSpan.FromDays(365),
        };
        await using var simulator = await SimulatorHost.StartAsync(simulatorOptions, TimeProvider.System);
        var pageSize = context.Size(100, 50);

        // Warm-up: JIT, connection pools, the simulator's result caches.
        await PlainAsync(context, simulator, pageSize, "warm-up");
        await BatonAsync(context, simulator, pageSize, "warm-up");

        // Plain and Baton rounds alternate, so a burst of load on this shared machine hits both sides of a pair; the
        // figures are the medians, and the overhead is the median of each pair's difference.
        var rounds = context.Size(5, 2);
        var plain = new List<Result>();
        var baton = new List<Result>();
        for (var round = 1; round <= rounds; round++)
        {
            plain.Add(await PlainAsync(context, simulator, pageSize, $"plain {round}/{rounds}"));
            baton.Add(await BatonAsync(context, simulator, pageSize, $"baton {round}/{rounds}"));
        }

        var pages = baton[0].Pages;
        context.Report("pages_per_s", Median(baton, r => r.Pages / r.Elapsed.TotalSeconds), "pages/s");
        context.Report("listings_per_s", Median(baton, r => r.Listings / r.Elapsed.TotalSeconds), "listings/s");
        context.Report("plain_pages_per_s", Median(plain, r => r.Pages / r.Elapsed.TotalSeconds), "pages/s");
        context.Report("plain_listings_per_s", Median(plain, r => r.Listings / r.Elapsed.TotalSeconds), "listings/s");
        context.Report("overhead_per_page", Percentiles.Of([.. plain.Zip(baton, (p, b) => (b.Elapsed - p.Elapsed).TotalMilliseconds / pages)]).P50, "ms");
        context.Report("pages", pages, "pages");
    }

    private static double Median(IEnumerable<Result> rounds, Func<Result, double> figure) => Percentiles.Of([.. rounds.Select(figure)]).P50;

    // The marketplaces' budgets are declared (each page step goes through its budget, as in the app) but never bind.
    private static EbayOptions Ebay(SimulatorHost simulator) => new() { BaseUrl = simulator.BaseUrl, ClientId = "bench", ClientSecret = "bench", PerSecond = 1_000_000, PerDay = int.MaxValue };

    /// <summary>The same work as the capture steps, without Baton: search page by page and upsert each page.</summary>
    private static async Task<Result> PlainAsync(ScenarioContext context, SimulatorHost simulator, int pageSize, string label)
    {
        using var directory = TempDirectory.Create("crawler-plain");
        var services = new ServiceCollection();
        services.AddHttpClient(EbayBrowseAdapter.HttpClientName);
        await using var provider = services.BuildServiceProvider();
        var options = Ebay(simulator);
        using var tokens = new EbayTokenProvider(provider.GetRequiredService<IHttpClientFactory>(), options, TimeProvider.System);
        var adapter = new EbayBrowseAdapter(provider.GetRequiredService<IHttpClientFactory>(), tokens, options);
        var store = new ListingsStore(ListingsDatabase.Sqlite(directory.File("plain.db")), TimeProvider.System);
        await store.MigrateAsync();
        var clock = Stopwatch.StartNew();
        int pages = 0, listings = 0;
        foreach (var (marketplace, query) in Searches)
        {
            int? offset = 0;
            while (offset is { } o)
            {
                var page = await adapter.SearchAsync(marketplace, new SearchRequest { Query = query }, o, pageSize, default);
                await store.UpsertPageAsync("plain-" + marketplace + query, query, marketplace, page.Items);
                pages++;
                listings += page.Items.Count;
                offset = page.NextOffset;
            }
        }

        clock.Stop();
        SqliteConnection.ClearAllPools();
        context.Log($"{label}: {pages} pages, {listings} listings in {clock.Elapsed.TotalSeconds:F2} s");
        return new Result(pages, listings, clock.Elapsed);
    }

    /// <summary>The captures as Baton runs them, one at a time like the plain loop.</summary>
    private static async Task<Result> BatonAsync(ScenarioContext context, SimulatorHost simulator, int pageSize, string label)
    {
        using var directory = TempDirectory.Create("crawler-baton");
        var crawlerOptions = new CrawlerOptions { SqlitePath = directory.File("crawler.db"), PageSize = pageSize, EnrichMaxPerRun = 0 };
        var settings = new CrawlerSettings(crawlerOptions, Ebay(simulator), simulator.Marketplace.Options, ExchangeRates.Default);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCrawler(settings);

        // Only the capture function (with the budgets its steps name): enrichment and analysis would add work the plain
        // loop does not do.
        builder.Services.AddBaton()
            .UseCrawlerStorage(crawlerOptions)
            .AddCrawlerBudgets(settings)
            .AddFunction<CaptureFunction>(CrawlerEvents.CaptureFunction, f => f.OnEvent(CrawlerEvents.CaptureRequested));
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IBatonClient>();
        var changes = host.Services.GetRequiredService<ChangeFeed>();
        var clock = Stopwatch.StartNew();
        int pages = 0, listings = 0;
        foreach (var (marketplace, query) in Searches)
        {
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var subscription = changes.Subscribe(c =>
            {
                if (c is RunChange { Status: RunStatus.Completed or RunStatus.Failed } run)
                {
                    done.TrySetResult(run.RunId);
                }
            });
            await client.SendAsync(new EventMessage(CrawlerEvents.CaptureRequested, new CaptureRequested { WatchlistId = query, Marketplace = marketplace, Query = query }));
            var runId = await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
            var run = await host.Services.GetRequiredService<IBatonInspector>().GetRunAsync(runId);
            if (run?.Status != RunStatus.Completed)
            {
                throw new InvalidOperationException($"capture {marketplace}/{query} did not complete: {run?.Error?.Message}");
            }

            var summary = System.Text.Json.JsonSerializer.Deserialize<CaptureSummary>(run.Output!, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
            pages += summary.Pages;
            listings += summary.Listings;
        }

        clock.Stop();
        await host.StopAsync();
        SqliteConnection.ClearAllPools();
        context.Log($"{label}: {pages} pages, {listings} listings in {clock.Elapsed.TotalSeconds:F2} s");
        return new Result(pages, listings, clock.Elapsed);
    }

    private sealed record Result(int Pages, int Listings, TimeSpan Elapsed);
}

using System.Collections.Concurrent;
using Baton;
using Crawler.Functions;
using Crawler.Simulator;
using Crawler.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Crawler.Tests.EndToEnd;

/// <summary>A long crawl whose worker process is killed mid-way resumes without fetching committed pages again.</summary>
public sealed class WorkerKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LongCrawl_WorkerKilledMidway_ResumesWithoutRefetchingCommittedPages()
    {
        var directory = Path.Combine(Path.GetTempPath(), "crawler-kill-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "crawler.db");
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Scale = 0.3, PerSecond = 1_000_000, DailyQuota = int.MaxValue, ChurnInterval = TimeSpan.FromDays(30) }, TimeProvider.System);
        var request = new CaptureRequested { WatchlistId = "pokemon", Marketplace = "EBAY_US", Query = "pokemon" };
        const int pageSize = 5;
        var expected = simulator.Marketplace.Matching("EBAY_US", new() { Query = "pokemon" }).Length;
        var totalPages = (expected + pageSize - 1) / pageSize;
        Assert.True(totalPages >= 400, $"a long crawl: {totalPages} pages");

        var fetches = new ConcurrentDictionary<int, int>();
        var killPoint = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastPage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var enriched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        simulator.Marketplace.Searched += (_, search) =>
        {
            fetches.AddOrUpdate(search.Offset, 1, (_, n) => n + 1);
            if (fetches.Count >= totalPages / 3)
            {
                killPoint.TrySetResult();
            }

            if (search.Offset == (totalPages - 1) * pageSize)
            {
                lastPage.TrySetResult();
            }
        };
        simulator.Marketplace.ItemRequested += (_, _) => enriched.TrySetResult();

        var environment = new Dictionary<string, string>
        {
            ["Crawler__Url"] = "http://127.0.0.1:0",
            ["Crawler__SqlitePath"] = database,
            ["Crawler__PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Crawler__EnrichMaxPerRun"] = "1",
            ["Crawler__RefreshCron"] = "0 0 1 1 *",
            ["Crawler__Ebay__BaseUrl"] = simulator.BaseUrl,
            ["Crawler__Ebay__ClientId"] = "kill-test",
            ["Crawler__Ebay__ClientSecret"] = "secret",
            ["Crawler__Ebay__Marketplaces__0"] = "EBAY_US",

            // A generous budget, so the crawl runs as fast as the worker can page, and a short lease, so the new
            // process takes the killed one's run over within seconds instead of the default 30.
            ["Crawler__Ebay__PerSecond"] = "100000",
            ["Crawler__Ebay__PerDay"] = "100000000",
            ["Baton__LeaseDuration"] = "00:00:03",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var client = await ClientAsync(database);
        using (var first = CrawlerProcess.Start(environment))
        {
            await client.Services.GetRequiredService<IBatonClient>().SendAsync(new EventMessage(CrawlerEvents.CaptureRequested, request));
            await killPoint.Task.WaitAsync(TimeSpan.FromMinutes(3));
            first.Kill();
        }

        output.WriteLine($"{totalPages} pages of {pageSize}; SIGKILL after {fetches.Count} pages at {clock.Elapsed.TotalSeconds:F1} s");

        var inspector = client.Services.GetRequiredService<IBatonInspector>();
        var run = (await inspector.ListRunsAsync(new RunQuery { FunctionId = CrawlerEvents.CaptureFunction })).Items.Single();
        var committed = (await inspector.GetStepsAsync(run.Id))
            .Where(s => s.Status == StepStatus.Completed && s.Name.StartsWith("page:", StringComparison.Ordinal))
            .Select(s => int.Parse(s.Name.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        Assert.NotEmpty(committed);
        Assert.True(committed.Length < totalPages, "killed before the end");
        var fetchedBeforeRestart = new Dictionary<int, int>(fetches);

        using (var second = CrawlerProcess.Start(environment))
        {
            await lastPage.Task.WaitAsync(TimeSpan.FromMinutes(3));
            output.WriteLine($"last page fetched by the second process at {clock.Elapsed.TotalSeconds:F1} s");
            await enriched.Task.WaitAsync(TimeSpan.FromMinutes(3));
            var finished = await inspector.GetRunAsync(run.Id);
            Assert.True(finished!.Status == RunStatus.Completed, $"{finished.Status}: {finished.Error?.Message}\n{second.Output}");
        }

        // A page committed before the kill is never fetched again; only the pages in flight at the kill may be.
        Assert.All(committed, offset => Assert.Equal(fetchedBeforeRestart[offset], fetches[offset]));
        Assert.Equal(totalPages, fetches.Count);
        Assert.InRange(fetches.Values.Sum() - totalPages, 0, 2);
        var store = client.Services.GetRequiredService<Crawler.Listings.ListingsStore>();
        Assert.Equal(expected, (await store.WatchlistListingsAsync("pokemon", activeOnly: true)).Count);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A Baton client (no worker) on the crawler's database: sends events, reads runs.</summary>
    private static async Task<IHost> ClientAsync(string database)
    {
        var options = new CrawlerOptions { SqlitePath = database, RefreshCron = "0 0 1 1 *" };
        var settings = new CrawlerSettings(options, new Crawler.Ebay.EbayOptions(), new SimulatorOptions(), Crawler.Analysis.ExchangeRates.Default);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCrawler(settings);
        builder.Services.AddBaton().UseCrawlerStorage(options).Configure(o => o.RunWorker = false).AddCrawlerFunctions(settings);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}

using System.Collections.Concurrent;
using Baton;
using Crawler.Functions;
using Crawler.Simulator;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Crawler.Tests.EndToEnd;

/// <summary>
/// An hour-long crawl (thousands of pages at eBay's pace of one call a second, on a clock the test drives) whose worker
/// process is killed mid-way resumes in a new process without fetching a committed page again.
/// </summary>
public sealed class WorkerKillTests(ITestOutputHelper output)
{
    private const int PageSize = 2;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(1);
    private int _quietRounds;

    [Fact]
    public async Task LongCrawl_WorkerKilledMidway_ResumesWithoutRefetchingCommittedPages()
    {
        var directory = Path.Combine(Path.GetTempPath(), "crawler-kill-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "crawler.db");

        // One clock for the simulator, this test's client and (through its standard input) the worker process. The
        // simulator allows the application one call a second, as the worker's budget does, and counts what it admits.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Scale = 0.6, PerSecond = 1, DailyQuota = 100_000, ChurnInterval = TimeSpan.FromDays(30) }, time);
        var request = new CaptureRequested { WatchlistId = "pokemon", Marketplace = "EBAY_US", Query = "pokemon" };
        var expected = simulator.Marketplace.Matching("EBAY_US", new() { Query = "pokemon" }).Length;
        var totalPages = (expected + PageSize - 1) / PageSize;
        Assert.InRange(expected, 5_000, 10_000); // thousands of pages in one price band (the API's reachable cap is 10,000)

        // Every page fetch, with the clock's time; half-way through, the worker is killed while a page is in flight:
        // the simulator has answered nothing yet, so that page cannot have been committed.
        var fetches = new ConcurrentDictionary<int, int>();
        var fetchTimes = new ConcurrentQueue<DateTimeOffset>();
        var killed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        CrawlerWorkerProcess? worker = null;
        simulator.Marketplace.Searched += (_, search) =>
        {
            fetchTimes.Enqueue(time.GetUtcNow());
            if (fetches.AddOrUpdate(search.Offset, 1, (_, n) => n + 1) == 1 && fetches.Count == totalPages / 2 && !killed.Task.IsCompleted)
            {
                worker!.Kill();
                killed.TrySetResult(search.Offset);
            }
        };

        var environment = new Dictionary<string, string>
        {
            ["Crawler__SqlitePath"] = database,
            ["Crawler__PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Crawler__EnrichMaxPerRun"] = "3",
            ["Crawler__RefreshCron"] = "0 0 1 1 *",
            ["Crawler__Ebay__BaseUrl"] = simulator.BaseUrl,
            ["Crawler__Ebay__ClientId"] = "kill-test",
            ["Crawler__Ebay__ClientSecret"] = "secret",
            ["Crawler__Ebay__Marketplaces__0"] = "EBAY_US",
            ["Crawler__Ebay__PerSecond"] = "1",
            ["Crawler__Ebay__PerDay"] = "100000",
            ["Baton__PollInterval"] = PollInterval.ToString(),
        };

        var wall = System.Diagnostics.Stopwatch.StartNew();
        var began = time.GetUtcNow();
        using var client = await ClientAsync(database, time);
        var inspector = client.Services.GetRequiredService<IBatonInspector>();
        using (worker = await CrawlerWorkerProcess.StartAsync(environment, time.GetUtcNow()))
        {
            await client.Services.GetRequiredService<IBatonClient>().SendAsync(new EventMessage(CrawlerEvents.CaptureRequested, request));
            await DriveAsync(worker, inspector, time, killed.Task);
        }

        var inFlight = await killed.Task;
        output.WriteLine($"{totalPages} pages of {PageSize}; SIGKILL at page {fetches.Count} ({time.GetUtcNow() - began:g} on the clock, {wall.Elapsed.TotalSeconds:F1} s real)");
        var run = (await inspector.ListRunsAsync(new RunQuery { FunctionId = CrawlerEvents.CaptureFunction })).Items.Single();
        var committed = await CommittedPagesAsync(inspector, run.Id);
        Assert.Equal(totalPages / 2 - 1, committed.Count); // every page fetched before the one in flight
        Assert.DoesNotContain(inFlight, committed);
        var fetchedBeforeRestart = new Dictionary<int, int>(fetches);

        // A new worker process on the same database: once the killed worker's lease has run out, it takes the run over.
        using (var second = await CrawlerWorkerProcess.StartAsync(environment, time.GetUtcNow()))
        {
            var held = (await inspector.GetRunAsync(run.Id))!;
            Assert.Equal(RunStatus.Running, held.Status);
            Advance(second, time, held.DueAt!.Value + PollInterval);
            var runs = await DriveAsync(second, inspector, time, stop: null);
            Assert.All(runs, r => Assert.True(r.Status == RunStatus.Completed, $"{r.FunctionId} {r.Status}: {r.Error?.Message}\n{second.Log}"));
            Assert.Contains(runs, r => r.FunctionId == CrawlerEvents.EnrichFunction);
            Assert.Contains(runs, r => r.FunctionId == CrawlerEvents.AnalyzeFunction);
        }

        var span = time.GetUtcNow() - began;
        output.WriteLine($"finished after {span:g} on the clock, {wall.Elapsed.TotalSeconds:F1} s real; the clock moved on after a quiet second {_quietRounds} times");
        Assert.InRange(span, TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(90)); // an hour-long crawl at one call a second

        // No page committed before the kill is fetched again; the one in flight is fetched once more; every page is fetched.
        Assert.All(committed, offset => Assert.Equal(1, fetches[offset]));
        Assert.Equal(2, fetches[inFlight]);
        Assert.Equal(totalPages, fetches.Count);
        Assert.Equal(totalPages + 1, fetches.Values.Sum());

        // The budget held across the kill: the simulator never refused a call, and calls were a second apart or more.
        Assert.Equal(0, simulator.Marketplace.Stats.QuotaRejections);
        Assert.Equal(1, simulator.Marketplace.Stats.MaxCallsInOneSecond);
        var times = fetchTimes.ToArray();
        Assert.All(times.Zip(times.Skip(1), (a, b) => b - a), gap => Assert.True(gap >= TimeSpan.FromSeconds(1), $"calls {gap} apart"));

        Assert.Equal(totalPages, (await CommittedPagesAsync(inspector, run.Id)).Count);
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

    /// <summary>
    /// Moves the clock as the worker's runs need it until <paramref name="stop"/> completes, or (without one) until every
    /// run has finished; returns the runs. While a run is running, the worker moves on its own and its next commit wakes
    /// this loop. When none is, the clock moves to the earliest time a run is due (a budget's next call, a debounce's
    /// end) plus one poll of the worker; if the worker then stays quiet for <see cref="Quiet"/> (its dispatcher had
    /// already looked and set its next look a poll later), the clock moves one more poll. Moving the clock on never
    /// breaks a rule (budgets and leases are kept on the clock), it only makes the crawl's hour a little longer. A worker
    /// that commits nothing for <see cref="StuckAfter"/> fails the test.
    /// </summary>
    private async Task<IReadOnlyList<RunInfo>> DriveAsync(CrawlerWorkerProcess worker, IBatonInspector inspector, FakeTimeProvider time, Task? stop)
    {
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // Every commit counted so far is reflected in the read that follows; a later one releases the wait below.
            while (worker.Commits.Wait(0))
            {
                quiet.Restart();
            }

            var runs = (await inspector.ListRunsAsync(new RunQuery { Limit = 100 })).Items;
            var unfinished = runs.Where(r => r.Status is not (RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled)).ToArray();
            if (stop?.IsCompleted == true || (stop is null && runs.Count > 0 && unfinished.Length == 0))
            {
                return runs;
            }

            if (quiet.Elapsed > StuckAfter)
            {
                throw new TimeoutException($"The worker committed nothing for {StuckAfter} (clock {time.GetUtcNow():O}): {string.Join(", ", unfinished.Select(r => $"{r.FunctionId} {r.Status} due {r.DueAt:O}"))}\n{worker.Log}");
            }

            if (!unfinished.Any(r => r.Status == RunStatus.Running))
            {
                var now = time.GetUtcNow();
                var due = unfinished.Select(r => r.DueAt is { } at && at > now ? at : now).DefaultIfEmpty(now).Min();
                Advance(worker, time, due + PollInterval);
            }

            var commit = worker.Commits.WaitAsync(Quiet);
            if (await Task.WhenAny(commit, stop ?? Task.Delay(Timeout.Infinite)) == commit)
            {
                if (await commit)
                {
                    quiet.Restart();
                }
                else
                {
                    _quietRounds++;
                }
            }
        }
    }

    private static void Advance(CrawlerWorkerProcess worker, FakeTimeProvider time, DateTimeOffset to)
    {
        if (to > time.GetUtcNow())
        {
            time.SetUtcNow(to);
        }

        worker.SetClock(time.GetUtcNow());
    }

    private static async Task<HashSet<int>> CommittedPagesAsync(IBatonInspector inspector, string runId)
        => (await inspector.GetStepsAsync(runId))
            .Where(s => s.Status == StepStatus.Completed && s.Name.StartsWith("page:", StringComparison.Ordinal))
            .Select(s => int.Parse(s.Name.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture))
            .ToHashSet();

    /// <summary>A Baton client (no worker) on the crawler's database and the test's clock: sends events, reads runs.</summary>
    private static async Task<IHost> ClientAsync(string database, TimeProvider time)
    {
        var options = new CrawlerOptions { SqlitePath = database, RefreshCron = "0 0 1 1 *" };
        var settings = new CrawlerSettings(options, new Crawler.Ebay.EbayOptions(), new SimulatorOptions(), Crawler.Analysis.ExchangeRates.Default);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(time);
        builder.Services.AddCrawler(settings);
        builder.Services.AddBaton().UseCrawlerStorage(options).Configure(o => o.RunWorker = false).AddCrawlerFunctions(settings);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}

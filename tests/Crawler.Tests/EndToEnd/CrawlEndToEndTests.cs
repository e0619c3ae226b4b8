using Baton;
using Crawler.Functions;
using Crawler.Listings;
using Crawler.Tests.Support;

namespace Crawler.Tests.EndToEnd;

/// <summary>The whole crawler on the simulated marketplace with a fake clock, on SQLite and on PostgreSQL.</summary>
public sealed class CrawlEndToEndTests
{
    private static readonly string[] Markets = ["EBAY_GB", "EBAY_US", "EBAY_DE"];

    private static Watchlist Watch(string id, string query) => new() { Id = id, Query = query, Marketplaces = Markets };

    [Theory]
    [MemberData(nameof(CrawlerTestbed.Providers), MemberType = typeof(CrawlerTestbed))]
    public async Task Crawl_ThreeMarketplacesTwoQueriesWithInjected429sAnd5xx_CapturesEveryListingWithinLimits(string provider)
    {
        const int perSecond = 40;
        await using var bed = await CrawlerTestbed.StartAsync(
            s =>
            {
                s.ThrottleRate = 0.08;
                s.ServerErrorRate = 0.08;
                s.PerSecond = perSecond;
                s.ChurnInterval = TimeSpan.FromDays(1);
            },
            provider: provider);
        Watchlist[] watchlists = [Watch("lego", "lego"), Watch("switch", "nintendo switch")];
        foreach (var watchlist in watchlists)
        {
            await bed.CaptureAsync(watchlist);
        }

        var runs = await bed.RunUntilIdleAsync();

        Assert.All(runs, r => Assert.True(r.Status == RunStatus.Completed, $"{r.FunctionId} {r.Id} {r.Status}: {r.Error?.Message}"));
        Assert.Equal(6, runs.Count(r => r.FunctionId == CrawlerEvents.CaptureFunction));
        Assert.Equal(6, runs.Count(r => r.FunctionId == CrawlerEvents.EnrichFunction));
        foreach (var watchlist in watchlists)
        {
            foreach (var market in Markets)
            {
                var expected = bed.Marketplace.Matching(market, watchlist.ToSearch());
                var stored = await bed.Store.WatchlistListingsAsync(watchlist.Id, activeOnly: true, market);
                Assert.NotEmpty(expected);
                Assert.Equal(expected.Select(e => e.Listing.ItemId).Order(StringComparer.Ordinal), stored.Select(s => s.ItemId));
                var prices = expected.ToDictionary(e => e.Listing.ItemId, e => (e.Price, e.Listing.Shipping));
                Assert.All(stored, s => Assert.Equal(prices[s.ItemId], (s.Price, s.Shipping ?? -1)));
            }
        }

        var stats = bed.Marketplace.Stats;
        Assert.True(stats.InjectedThrottles > 0 && stats.InjectedServerErrors > 0, "faults were injected");
        Assert.InRange(stats.MaxCallsInOneSecond, 1, perSecond);
        Assert.InRange(stats.MaxCallsInOneDay, 1, bed.Settings.Simulator.DailyQuota);
    }

    [Theory]
    [MemberData(nameof(CrawlerTestbed.Providers), MemberType = typeof(CrawlerTestbed))]
    public async Task Analysis_AfterCrawl_EqualsAStraightforwardRecomputation(string provider)
    {
        await using var bed = await CrawlerTestbed.StartAsync(s => s.ChurnInterval = TimeSpan.FromDays(1), provider: provider);
        var watchlist = Watch("switch", "nintendo switch");
        await bed.CaptureAsync(watchlist);
        await bed.RunUntilIdleAsync();
        await bed.Host.SendAsync(CrawlerEvents.AnalyzeRequested, new AnalyzeRequest(watchlist.Id));
        await bed.RunUntilIdleAsync();

        var analyses = await bed.Store.LatestAnalysesAsync(watchlist.Id);
        var listings = await bed.Store.WatchlistListingsAsync(watchlist.Id, activeOnly: true);
        var groups = listings.GroupBy(l => (l.Marketplace, Condition: l.Condition ?? "Unknown")).ToArray();
        Assert.Equal(groups.Length, analyses.Count);
        foreach (var group in groups)
        {
            var analysis = analyses.Single(a => a.Marketplace == group.Key.Marketplace && a.Condition == group.Key.Condition);
            var rate = group.Key.Marketplace switch { "EBAY_GB" => 1.27m, "EBAY_DE" => 1.09m, _ => 1m };
            var landed = group.Select(l => Math.Round((l.Price + (l.Shipping ?? 0)) * rate, 2)).Order().ToArray();
            var n = landed.Length;
            Assert.Equal(n, analysis.Stats.Count);
            Assert.Equal(landed[0], analysis.Stats.Min);
            Assert.Equal(landed[^1], analysis.Stats.Max);
            Assert.Equal(Math.Round(landed.Sum() / n, 4), analysis.Stats.Mean);
            var median = n % 2 == 1 ? landed[n / 2] : (landed[(n / 2) - 1] + landed[n / 2]) / 2;
            Assert.Equal(median, analysis.Stats.Median);
            decimal Quantile(decimal p)
            {
                var h = (n - 1) * p;
                var lo = (int)h;
                return Math.Round(landed[lo] + ((h - lo) * (landed[Math.Min(lo + 1, n - 1)] - landed[lo])), 4);
            }

            Assert.Equal(Quantile(0.2m), analysis.Stats.P20);
            Assert.Equal(Quantile(0.9m), analysis.Stats.P90);
            var iqr = Quantile(0.75m) - Quantile(0.25m);
            var expectedDeals = landed.Count(v => v <= Quantile(0.2m) && v >= Quantile(0.25m) - (1.5m * iqr) && v <= Quantile(0.75m) + (1.5m * iqr));
            Assert.Equal(expectedDeals, analysis.Stats.Deals);
            Assert.Equal(expectedDeals, (await bed.Store.AnalysisListingsAsync(analysis.Id, dealsOnly: true)).Count);
        }

        var deals = await bed.Store.DealsAsync(watchlist.Id);
        Assert.NotEmpty(deals);
        Assert.All(deals, d => Assert.True(d.IsDeal && !d.IsOutlier));
    }

    [Theory]
    [MemberData(nameof(CrawlerTestbed.Providers), MemberType = typeof(CrawlerTestbed))]
    public async Task Capture_AfterTheCatalogueChurned_MarksEndedListingsRecordsPriceChangesAndAnalysisFollows(string provider)
    {
        await using var bed = await CrawlerTestbed.StartAsync(s => s.ChurnInterval = TimeSpan.FromHours(1), provider: provider);
        var watchlist = new Watchlist { Id = "lego", Query = "lego", Marketplaces = ["EBAY_GB"] };
        await bed.CaptureAsync(watchlist);
        await bed.RunUntilIdleAsync(TimeSpan.FromMinutes(50));
        var before = await bed.Store.WatchlistListingsAsync("lego", activeOnly: true);
        var firstAnalysis = (await bed.Store.LatestAnalysesAsync("lego")).ToDictionary(a => a.Condition);
        Assert.Equal(0, bed.Marketplace.Generation);

        bed.Host.Advance(TimeSpan.FromHours(6));
        Assert.True(bed.Marketplace.Generation >= 6);
        await bed.CaptureAsync(watchlist);
        var runs = await bed.RunUntilIdleAsync(TimeSpan.FromMinutes(50));
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));

        var expected = bed.Marketplace.Matching("EBAY_GB", watchlist.ToSearch());
        var after = await bed.Store.WatchlistListingsAsync("lego", activeOnly: true);
        Assert.Equal(expected.Select(e => e.Listing.ItemId).Order(StringComparer.Ordinal), after.Select(a => a.ItemId));

        var live = expected.ToDictionary(e => e.Listing.ItemId, e => e.Price);
        var gone = before.Where(b => !live.ContainsKey(b.ItemId)).ToArray();
        Assert.NotEmpty(gone);
        foreach (var listing in gone)
        {
            Assert.NotNull((await bed.Store.GetListingAsync("EBAY_GB", listing.ItemId))!.EndedAt);
        }

        var repriced = before.Where(b => live.TryGetValue(b.ItemId, out var price) && price != b.Price).ToArray();
        Assert.NotEmpty(repriced);
        foreach (var listing in repriced)
        {
            var history = await bed.Store.PriceHistoryAsync("EBAY_GB", listing.ItemId);
            Assert.Equal([listing.Price, live[listing.ItemId]], history.Select(h => h.Price));
        }

        var captures = await bed.Store.ListCapturesAsync("lego");
        Assert.Equal(2, captures.Count);
        Assert.Equal(gone.Length, captures[1].Ended);
        Assert.Equal(repriced.Length, captures[1].Changed);
        Assert.Equal(after.Count - before.Count(b => live.ContainsKey(b.ItemId)), captures[1].New);

        var latest = await bed.Store.LatestAnalysesAsync("lego");
        Assert.Equal(after.Count, latest.Sum(a => a.Stats.Count));
        Assert.All(latest.Where(a => firstAnalysis.ContainsKey(a.Condition)), a =>
        {
            Assert.NotNull(a.Change);
            Assert.Equal(a.Stats.Count - firstAnalysis[a.Condition].Stats.Count, a.Change!.CountDelta);
            Assert.Equal(a.Stats.Median - firstAnalysis[a.Condition].Stats.Median, a.Change.MedianDelta);
        });
    }

    [Fact]
    public async Task Capture_MoreThanTenThousandResults_SplitsIntoPriceBandsAndGetsThemAll()
    {
        await using var bed = await CrawlerTestbed.StartAsync(s => { s.Scale = 1.5; s.ChurnInterval = TimeSpan.FromDays(1); }, c => { c.PageSize = 200; c.EnrichMaxPerRun = 0; });
        var watchlist = new Watchlist { Id = "pokemon", Query = "pokemon", Marketplaces = ["EBAY_US"] };
        var expected = bed.Marketplace.Matching("EBAY_US", watchlist.ToSearch());
        Assert.True(expected.Length > 10_000);
        await bed.CaptureAsync(watchlist);
        var runs = await bed.RunUntilIdleAsync();

        var capture = runs.Single(r => r.FunctionId == CrawlerEvents.CaptureFunction);
        Assert.Equal(RunStatus.Completed, capture.Status);
        var stored = await bed.Store.WatchlistListingsAsync("pokemon", activeOnly: true);
        Assert.Equal(expected.Length, stored.Count);
        var summary = System.Text.Json.JsonSerializer.Deserialize<CaptureSummary>(capture.Output!, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.True(summary.Bands >= 2, $"bands: {summary.Bands}");
        Assert.Equal(expected.Length, summary.Listings);
    }

    [Theory]
    [MemberData(nameof(CrawlerTestbed.Providers), MemberType = typeof(CrawlerTestbed))]
    public async Task Capture_UnknownMarketplace_FailsWithoutRetrying(string provider)
    {
        await using var bed = await CrawlerTestbed.StartAsync(provider: provider);
        var run = await bed.Host.SendAndWaitAsync(CrawlerEvents.CaptureRequested, new CaptureRequested { WatchlistId = "w", Marketplace = "EBAY_XX", Query = "lego" }, CrawlerEvents.CaptureFunction);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("known marketplace", run.Error!.Message, StringComparison.Ordinal);
    }
}

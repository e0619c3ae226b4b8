using Baton;
using Crawler.Ebay;

namespace Crawler.Functions;

/// <summary>
/// Registers the crawler's four functions. This is the one place where their triggers, retries and flow control
/// are declared.
/// </summary>
internal static class CrawlerFunctions
{
    public static BatonBuilder AddCrawlerFunctions(this BatonBuilder baton, CrawlerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(baton);
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Crawler;
        baton.AddCrawlerBudgets(settings);

        // 429s and 5xx are retried; a throttled call waits what the API asked (RetryAfterException), others back off up to a minute.
        var retry = RetryPolicy.Default with { MaxRetries = options.StepRetries, MaximumInterval = TimeSpan.FromMinutes(1) };

        return baton
            .AddFunction<CaptureFunction>(CrawlerEvents.CaptureFunction, f => f
                .Name("Capture listings")
                .OnEvent(CrawlerEvents.CaptureRequested)
                .Concurrency(options.CapturesPerMarketplace, key: "event.data.marketplace")
                .Retry(retry))
            .AddFunction<EnrichFunction>(CrawlerEvents.EnrichFunction, f => f
                .Name("Enrich listings")
                .OnEvent(CrawlerEvents.ListingsCaptured)
                .OnEvent(CrawlerEvents.EnrichRequested)
                .Retry(retry))
            .AddFunction<AnalyzeFunction>(CrawlerEvents.AnalyzeFunction, f => f
                .Name("Analyze prices")
                .OnEvent(CrawlerEvents.ListingsCaptured)
                .OnEvent(CrawlerEvents.AnalyzeRequested)
                .Debounce(options.AnalyzeDebounce, key: "event.data.watchlistId", timeout: 5 * options.AnalyzeDebounce)
                .Retry(retry))
            .AddFunction<RefreshWatchlistsFunction>(CrawlerEvents.RefreshFunction, f => f
                .Name("Refresh watchlists")
                .OnCron(options.RefreshCron, options.RefreshTimeZone));
    }

    /// <summary>
    /// One budget per marketplace API, shared by every capture and enrichment on every node: the API's calls per second
    /// and its daily quota (eBay's day resets at midnight US Pacific). A 429 pauses the budget for all. Every search and
    /// item step names its marketplace's budget, so a host registering any crawler function needs these.
    /// </summary>
    public static BatonBuilder AddCrawlerBudgets(this BatonBuilder baton, CrawlerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(baton);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var marketplace in settings.Ebay.EffectiveMarketplaces)
        {
            var limits = EbayBrowseAdapter.LimitsFor(settings.Ebay, marketplace);
            baton.AddResource(limits.ResourceName, r => r
                .PerSecond(limits.PerSecond, limits.Burst)
                .Quota(limits.PerDay, TimeSpan.FromDays(1), limits.ResetAt, limits.TimeZone));
        }

        return baton;
    }
}

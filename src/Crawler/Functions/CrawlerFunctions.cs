using Baton;

namespace Crawler.Functions;

/// <summary>
/// Registers the crawler's four functions. This is the one place where their triggers, retries and flow control
/// are declared.
/// </summary>
internal static class CrawlerFunctions
{
    public static BatonBuilder AddCrawlerFunctions(this BatonBuilder baton, CrawlerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // 429s and 5xx are retried; a throttled call waits what the API asked (RetryAfterException), others back off up to a minute.
        var retry = RetryPolicy.Default with { MaxRetries = options.StepRetries, MaximumInterval = TimeSpan.FromMinutes(1) };

        return baton
            .AddFunction<CaptureFunction>(CrawlerEvents.CaptureFunction, f => f
                .Name("Capture listings")
                .OnEvent(CrawlerEvents.CaptureRequested)
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
                .Retry(retry))
            .AddFunction<RefreshWatchlistsFunction>(CrawlerEvents.RefreshFunction, f => f
                .Name("Refresh watchlists")
                .OnCron(options.RefreshCron, options.RefreshTimeZone));
    }
}

using Baton;
using Crawler.Analysis;
using Crawler.Listings;

namespace Crawler.Functions;

/// <summary>
/// Analyses a watchlist's live listings per marketplace × condition (see <see cref="PriceAnalyzer"/>) and stores the
/// result with the change since the previous analysis of each group.
/// </summary>
internal sealed class AnalyzeFunction(ListingsStore store, ExchangeRates rates, CrawlerOptions options) : BatonFunction<AnalyzeRequest, AnalyzeSummary>
{
    public override async Task<AnalyzeSummary> RunAsync(FunctionContext<AnalyzeRequest> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var watchlistId = context.Data?.WatchlistId;
        if (string.IsNullOrWhiteSpace(watchlistId))
        {
            throw new NonRetriableException("An analysis needs a watchlistId");
        }

        return await context.Step.Run("analyze", token => AnalyzeAsync(store, rates, options.BaseCurrency, context.RunId, watchlistId, token)).ConfigureAwait(false);
    }

    /// <summary>Computes and stores the analysis of a watchlist now.</summary>
    public static async Task<AnalyzeSummary> AnalyzeAsync(ListingsStore store, ExchangeRates rates, string baseCurrency, string analysisId, string watchlistId, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(store);
        var listings = await store.WatchlistListingsAsync(watchlistId, activeOnly: true, cancellationToken: token).ConfigureAwait(false);
        var previous = (await store.LatestAnalysesAsync(watchlistId, token).ConfigureAwait(false)).ToDictionary(a => (a.Marketplace, a.Condition));
        var analyses = PriceAnalyzer.Analyze(analysisId, watchlistId, listings, rates, baseCurrency, store.Time.GetUtcNow(), (m, c) => previous.GetValueOrDefault((m, c)));
        await store.SaveAnalysesAsync(analyses, token).ConfigureAwait(false);
        return new AnalyzeSummary(analyses.Count, listings.Count, analyses.Sum(a => a.Stats.Deals));
    }
}

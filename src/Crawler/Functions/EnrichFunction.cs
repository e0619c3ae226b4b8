using Baton;
using Crawler.Listings;
using Crawler.Marketplaces;

namespace Crawler.Functions;

/// <summary>
/// Fetches item details for listings that lack fresh ones: one step per listing (eBay has no batch detail call),
/// skipping listings enriched within <see cref="CrawlerOptions.EnrichFreshFor"/>; a listing the marketplace says is
/// gone is marked ended.
/// </summary>
internal sealed class EnrichFunction(ListingsStore store, MarketplaceAdapters adapters, CrawlerOptions options) : BatonFunction<EnrichRequest, EnrichSummary>
{
    public override async Task<EnrichSummary> RunAsync(FunctionContext<EnrichRequest> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Data;
        if (request is null || string.IsNullOrWhiteSpace(request.WatchlistId) || string.IsNullOrWhiteSpace(request.Marketplace) || !KnownMarketplaces.IsKnown(request.Marketplace))
        {
            throw new NonRetriableException("Enrichment needs watchlistId and a known marketplace");
        }

        var adapter = adapters.For(request.Marketplace);
        var selected = await context.Step.Run("select", async token =>
        {
            IReadOnlyList<string> candidates = request.ItemIds
                ?? (request.NewIds is null && request.ChangedIds is null
                    ? await store.WatchlistItemIdsAsync(request.WatchlistId, request.Marketplace, token).ConfigureAwait(false)
                    : [.. (request.NewIds ?? []).Concat(request.ChangedIds ?? [])]);
            var stale = await store.NeedingDetailsAsync(request.Marketplace, candidates, options.EnrichFreshFor, token).ConfigureAwait(false);
            return stale.Take(options.EnrichMaxPerRun).ToArray();
        }).ConfigureAwait(false);

        int enriched = 0, ended = 0;
        for (var i = 0; i < selected.Length; i++)
        {
            var itemId = selected[i];
            var found = await context.Step.Run($"item:{itemId}", async token =>
            {
                try
                {
                    var detail = await adapter.GetItemAsync(request.Marketplace, itemId, token).ConfigureAwait(false);
                    await store.SaveDetailAsync(request.Marketplace, detail, token).ConfigureAwait(false);
                    return true;
                }
                catch (ListingEndedException)
                {
                    await store.MarkEndedAsync(request.Marketplace, itemId, token).ConfigureAwait(false);
                    return false;
                }
            }, resource: adapter.Limits(request.Marketplace).ResourceName).ConfigureAwait(false);
            if (found)
            {
                enriched++;
            }
            else
            {
                ended++;
            }

            context.Progress.Report(i + 1, selected.Length, $"{enriched} enriched, {ended} ended");
        }

        context.Progress.Report(selected.Length, selected.Length, $"{enriched} enriched, {ended} ended");
        return new EnrichSummary(selected.Length, enriched, ended);
    }
}

using Baton;
using Crawler.Listings;
using Crawler.Marketplaces;

namespace Crawler.Functions;

/// <summary>
/// Captures a watchlist's query on one marketplace: one step per result page (each stores its listings), result
/// sets above the API's reachable cap split into price bands, ended listings marked at the end, and a
/// <see cref="CrawlerEvents.ListingsCaptured"/> event with the new, changed and ended ids.
/// </summary>
internal sealed class CaptureFunction(ListingsStore store, MarketplaceAdapters adapters, CrawlerOptions options) : BatonFunction<CaptureRequested, CaptureSummary>
{
    public override async Task<CaptureSummary> RunAsync(FunctionContext<CaptureRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Data;
        if (request is null || string.IsNullOrWhiteSpace(request.WatchlistId) || string.IsNullOrWhiteSpace(request.Query) || string.IsNullOrWhiteSpace(request.Marketplace) || !KnownMarketplaces.IsKnown(request.Marketplace))
        {
            throw new NonRetriableException("A capture needs watchlistId, query and a known marketplace");
        }

        var adapter = adapters.For(request.Marketplace);
        var captureId = context.RunId;
        var search = new SearchRequest
        {
            Query = request.Query,
            MinPrice = request.MinPrice,
            MaxPrice = request.MaxPrice,
            Conditions = request.Conditions ?? [],
            BuyingOptions = request.BuyingOptions ?? [],
        };
        var pageSize = Math.Min(options.PageSize, adapter.MaxPageSize);

        await context.Step.Run("begin", token => store.BeginCaptureAsync(captureId, request.WatchlistId, request.Marketplace, request.Query, token)).ConfigureAwait(false);

        var pending = new Queue<PriceBand>([new PriceBand(request.MinPrice, request.MaxPrice)]);
        var newIds = new List<string>();
        var changedIds = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int pages = 0, bands = 0;
        long estimatedPages = 0;
        while (pending.TryDequeue(out var band))
        {
            var first = await Page(context, adapter, request, search, band, 0, pageSize, captureId).ConfigureAwait(false);
            pages++;
            if (first.Total > adapter.MaxReachableResults)
            {
                var bounded = band;
                if (band.Max is null)
                {
                    var top = await context.Step.Run($"max:{band.Label}", async token =>
                    {
                        var highest = await adapter.SearchAsync(request.Marketplace, search.WithPriceBand(band.Min, null) with { Sort = "-price" }, 0, 1, token).ConfigureAwait(false);
                        return highest.Items.Count == 0 ? (decimal?)null : highest.Items[0].Price.Value;
                    }, resource: adapter.Limits(request.Marketplace).ResourceName).ConfigureAwait(false);
                    bounded = band with { Max = top };
                }

                if (bounded.CanSplit)
                {
                    var (low, high) = bounded.Split();
                    pending.Enqueue(low);
                    pending.Enqueue(high);
                    continue;
                }
            }

            bands++;
            estimatedPages += (Math.Min(first.Total, adapter.MaxReachableResults) + pageSize - 1) / pageSize;
            Collect(first, newIds, changedIds, seen);
            var next = first.Next;
            while (next is { } offset)
            {
                var page = await Page(context, adapter, request, search, band, offset, pageSize, captureId).ConfigureAwait(false);
                pages++;
                Collect(page, newIds, changedIds, seen);
                next = page.Next;
                context.Progress.Report(pages, Math.Max(pages, estimatedPages + pending.Count), $"{seen.Count} listings, {pages} pages");
            }

            context.Progress.Report(pages, Math.Max(pages, estimatedPages + pending.Count), $"{seen.Count} listings, {pages} pages");
        }

        var ended = await context.Step.Run("finish", token => store.FinishCaptureAsync(captureId, request.WatchlistId, request.Marketplace, pages, seen.Count, newIds.Count, changedIds.Count, token)).ConfigureAwait(false);
        await context.Step.SendEvent("captured", new EventMessage(CrawlerEvents.ListingsCaptured,
            new ListingsCaptured(request.WatchlistId, request.Marketplace, captureId, pages, seen.Count, newIds, changedIds, ended))).ConfigureAwait(false);
        context.Progress.Report(pages, pages, $"{seen.Count} listings: {newIds.Count} new, {changedIds.Count} changed, {ended.Count} ended");
        return new CaptureSummary(pages, seen.Count, newIds.Count, changedIds.Count, ended.Count, bands);
    }

    private Task<PageOutcome> Page(FunctionContext context, IMarketplaceAdapter adapter, CaptureRequested request, SearchRequest search, PriceBand band, int offset, int pageSize, string captureId)
        => context.Step.Run($"page:{band.Label}:{offset}", async token =>
        {
            var page = await adapter.SearchAsync(request.Marketplace, search.WithPriceBand(band.Min, band.Max), offset, pageSize, token).ConfigureAwait(false);
            var changes = await store.UpsertPageAsync(captureId, request.WatchlistId, request.Marketplace, page.Items, token).ConfigureAwait(false);
            return new PageOutcome(page.Total, page.NextOffset, [.. page.Items.Select(i => i.ItemId)], changes.NewIds, changes.ChangedIds);
        }, resource: adapter.Limits(request.Marketplace).ResourceName);

    private static void Collect(PageOutcome page, List<string> newIds, List<string> changedIds, HashSet<string> seen)
    {
        // A listing can show up twice (on two pages when the catalogue moves, or at a band edge): count it once.
        var fresh = page.Ids.Where(seen.Add).ToHashSet(StringComparer.Ordinal);
        newIds.AddRange(page.NewIds.Where(fresh.Contains));
        changedIds.AddRange(page.ChangedIds.Where(fresh.Contains));
    }
}

using Baton;
using Crawler.Listings;

namespace Crawler.Functions;

/// <summary>On its cron schedule, sends one capture event per active watchlist × marketplace.</summary>
internal sealed class RefreshWatchlistsFunction(ListingsStore store) : BatonFunction<object, int>
{
    public override async Task<int> RunAsync(FunctionContext<object> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var requests = await context.Step.Run("watchlists", async token =>
            (await store.ListWatchlistsAsync(activeOnly: true, token).ConfigureAwait(false)).SelectMany(CaptureRequests).ToArray()).ConfigureAwait(false);
        if (requests.Length > 0)
        {
            await context.Step.SendEvent("fan-out", requests.Select(r => new EventMessage(CrawlerEvents.CaptureRequested, r))).ConfigureAwait(false);
        }

        return requests.Length;
    }

    /// <summary>The capture events of one watchlist (one per marketplace).</summary>
    public static IEnumerable<CaptureRequested> CaptureRequests(Watchlist watchlist)
    {
        ArgumentNullException.ThrowIfNull(watchlist);
        return watchlist.Marketplaces.Select(m => new CaptureRequested
        {
            WatchlistId = watchlist.Id,
            Marketplace = m,
            Query = watchlist.Query,
            MinPrice = watchlist.MinPrice,
            MaxPrice = watchlist.MaxPrice,
            Conditions = watchlist.Conditions,
            BuyingOptions = watchlist.BuyingOptions,
        });
    }
}

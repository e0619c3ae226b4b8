using Baton;
using Crawler.Functions;
using Crawler.Listings;

namespace Crawler;

/// <summary>
/// On the simulated marketplace, adds the demo watchlists when there are none and queues their first captures at
/// once, so a newcomer sees captures, enrichments and analyses flowing within a minute.
/// </summary>
internal sealed class DemoSeeder(ListingsStore store, IBatonClient client, ILogger<DemoSeeder> logger) : IHostedService
{
    public static IReadOnlyList<Watchlist> Demo { get; } =
    [
        new() { Id = "switch-oled", Query = "nintendo switch oled", Marketplaces = ["EBAY_GB", "EBAY_US", "EBAY_DE"] },
        new() { Id = "lego-falcon", Query = "lego millennium falcon", Marketplaces = ["EBAY_GB", "EBAY_US", "EBAY_DE"] },
        new() { Id = "iphone-13-pro", Query = "iphone 13 pro", Marketplaces = ["EBAY_GB", "EBAY_US", "EBAY_DE"] },
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if ((await store.ListWatchlistsAsync(false, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return;
        }

        var events = new List<EventMessage>();
        foreach (var watchlist in Demo)
        {
            await store.AddWatchlistAsync(watchlist, cancellationToken).ConfigureAwait(false);
            events.AddRange(RefreshWatchlistsFunction.CaptureRequests(watchlist).Select(r => new EventMessage(CrawlerEvents.CaptureRequested, r)));
        }

        await client.SendAsync(events, cancellationToken).ConfigureAwait(false);
        Log.DemoSeeded(logger, Demo.Count, events.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

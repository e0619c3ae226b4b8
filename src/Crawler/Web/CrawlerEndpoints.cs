using Baton;
using Crawler.Functions;
using Crawler.Listings;
using Crawler.Simulator;

namespace Crawler.Web;

/// <summary>
/// The crawler's pages and JSON API under <c>/crawler</c>: watchlists (list, add, capture now), each watchlist's
/// latest analysis with its price distribution, its current deals, and the recent Baton runs.
/// </summary>
internal static class CrawlerEndpoints
{
    public static IEndpointRouteBuilder MapCrawler(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/crawler", () => Results.Stream(Page("index.html"), "text/html; charset=utf-8"));
        var api = routes.MapGroup("/crawler/api");
        api.MapGet("/watchlists", async (ListingsStore store, CancellationToken token) => Results.Ok(await store.ListWatchlistsAsync(false, token).ConfigureAwait(false)));
        api.MapPost("/watchlists", AddWatchlistAsync);
        api.MapPost("/watchlists/{id}/capture", CaptureAsync);
        api.MapGet("/watchlists/{id}/analysis", async (string id, ListingsStore store, CancellationToken token) =>
            await store.GetWatchlistAsync(id, token).ConfigureAwait(false) is null
                ? NotFound(id)
                : Results.Ok(await store.LatestAnalysesAsync(id, token).ConfigureAwait(false)));
        api.MapGet("/watchlists/{id}/deals", async (string id, int? limit, ListingsStore store, CancellationToken token) =>
            await store.GetWatchlistAsync(id, token).ConfigureAwait(false) is null
                ? NotFound(id)
                : Results.Ok((await store.DealsAsync(id, token).ConfigureAwait(false)).Take(Math.Clamp(limit ?? 50, 1, 1000))));
        api.MapGet("/watchlists/{id}/captures", async (string id, ListingsStore store, CancellationToken token) =>
            Results.Ok((await store.ListCapturesAsync(id, token).ConfigureAwait(false)).Reverse().Take(30)));
        api.MapGet("/runs", async (int? limit, IBatonInspector inspector, CancellationToken token) =>
        {
            var page = await inspector.ListRunsAsync(new RunQuery { Limit = Math.Clamp(limit ?? 30, 1, 200) }, token).ConfigureAwait(false);
            return Results.Ok(page.Items.Select(r => new
            {
                r.Id,
                r.FunctionId,
                Status = r.Status.ToString(),
                r.CreatedAt,
                r.StartedAt,
                r.FinishedAt,
                r.StepCount,
                r.Progress,
                Error = r.Error?.Message,
            }));
        });
        api.MapGet("/simulator", (IServiceProvider services) => services.GetService<SimulatorHost>() is { } sim
            ? Results.Ok(new { sim.BaseUrl, sim.Marketplace.Generation, sim.Marketplace.Stats })
            : Results.NotFound(new { error = "The simulated marketplace is not running (eBay credentials are configured)" }));
        return routes;
    }

    private static async Task<IResult> AddWatchlistAsync(WatchlistInput? input, ListingsStore store, CancellationToken token)
    {
        if (input is null)
        {
            return Results.BadRequest(new { error = "A JSON body {id, query, marketplaces} is required" });
        }

        Watchlist watchlist;
        try
        {
            watchlist = input.ToWatchlist();
            watchlist.Validate();
        }
        catch (ArgumentException e)
        {
            return Results.BadRequest(new { error = e.Message });
        }

        return await store.AddWatchlistAsync(watchlist, token).ConfigureAwait(false)
            ? Results.Created($"/crawler/api/watchlists/{watchlist.Id}", watchlist)
            : Results.Conflict(new { error = $"Watchlist '{watchlist.Id}' already exists" });
    }

    private static async Task<IResult> CaptureAsync(string id, ListingsStore store, IBatonClient client, CancellationToken token)
    {
        var watchlist = await store.GetWatchlistAsync(id, token).ConfigureAwait(false);
        if (watchlist is null)
        {
            return NotFound(id);
        }

        var ids = await client.SendAsync(RefreshWatchlistsFunction.CaptureRequests(watchlist).Select(r => new EventMessage(CrawlerEvents.CaptureRequested, r)), token).ConfigureAwait(false);
        return Results.Accepted(value: new { eventIds = ids });
    }

    private static IResult NotFound(string id) => Results.NotFound(new { error = $"No watchlist '{id}'" });

    private static Stream Page(string name)
        => typeof(CrawlerEndpoints).Assembly.GetManifestResourceStream("Crawler.Web." + name) ?? throw new InvalidOperationException($"Missing embedded page {name}");
}

/// <summary>The body of <c>POST /crawler/api/watchlists</c>.</summary>
internal sealed record WatchlistInput(string? Id, string? Query, IReadOnlyList<string>? Marketplaces, decimal? MinPrice, decimal? MaxPrice, IReadOnlyList<string>? Conditions, IReadOnlyList<string>? BuyingOptions)
{
    public Watchlist ToWatchlist() => new()
    {
        Id = Id ?? "",
        Query = Query ?? "",
        Marketplaces = Marketplaces ?? [],
        MinPrice = MinPrice,
        MaxPrice = MaxPrice,
        Conditions = Conditions ?? [],
        BuyingOptions = BuyingOptions ?? [],
    };
}

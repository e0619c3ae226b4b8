using System.Globalization;
using System.Text;
using Crawler.Ebay;
using Crawler.Marketplaces;

namespace Crawler.Simulator;

/// <summary>The simulated marketplace's HTTP surface, in eBay Browse v1 shapes.</summary>
internal static class SimulatorEndpoints
{
    public static void MapSimulator(this IEndpointRouteBuilder routes, SimulatedMarketplace sim)
    {
        routes.MapPost("/identity/v1/oauth2/token", (Func<HttpContext, Task<IResult>>)(http => TokenAsync(http, sim)));
        routes.MapGet("/buy/browse/v1/item_summary/search", (Func<HttpContext, Task<IResult>>)(http => BrowseAsync(http, sim, (marketplace, request) => Search(sim, marketplace, request))));
        routes.MapGet("/buy/browse/v1/item/{itemId}", (HttpContext http, string itemId) => BrowseAsync(http, sim, (marketplace, _) => Item(sim, marketplace, itemId)));
    }

    private static async Task<IResult> TokenAsync(HttpContext http, SimulatedMarketplace sim)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        string? clientId = null;
        if (auth.StartsWith("Basic ", StringComparison.Ordinal))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..]));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                clientId = colon > 0 && colon < pair.Length - 1 ? pair[..colon] : null;
            }
            catch (FormatException)
            {
                clientId = null;
            }
        }

        if (clientId is null)
        {
            return Results.Json(new { error = "invalid_client", error_description = "client authentication failed" }, statusCode: 401);
        }

        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync().ConfigureAwait(false) : null;
        if (form is null || form["grant_type"].ToString() != "client_credentials")
        {
            return Results.Json(new { error = "unsupported_grant_type", error_description = "grant type in request is not supported by the authorization server" }, statusCode: 400);
        }

        var (token, lifetime) = sim.IssueToken(clientId);
        return Results.Json(new EbayToken { AccessToken = token, ExpiresIn = (int)lifetime.TotalSeconds, TokenType = "Application Access Token" });
    }

    private static async Task<IResult> BrowseAsync(HttpContext http, SimulatedMarketplace sim, Func<string, HttpRequest, IResult> handle)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        var application = sim.Authenticate(auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null);
        if (application is null)
        {
            return Error(new SimError(401, 1001, "Invalid access token. Check the value of the Authorization HTTP request header."));
        }

        var marketplace = http.Request.Headers["X-EBAY-C-MARKETPLACE-ID"].ToString();
        if (marketplace.Length == 0)
        {
            marketplace = "EBAY_US";
        }

        if (!KnownMarketplaces.IsKnown(marketplace))
        {
            return Error(new SimError(400, 12002, $"The X-EBAY-C-MARKETPLACE-ID value {marketplace} is invalid."));
        }

        if (!sim.Admit(application))
        {
            return Error(new SimError(429, 2001, "Too many requests. The request limit has been reached for the resource."));
        }

        if (sim.Options.Latency > TimeSpan.Zero)
        {
            await Task.Delay(sim.Options.Latency, sim.Time, http.RequestAborted).ConfigureAwait(false);
        }

        switch (sim.NextFault())
        {
            case SimFault.Throttle:
                return Error(new SimError(429, 2001, "Too many requests. The request limit has been reached for the resource."));
            case SimFault.ServerError:
                return Error(new SimError(500, 11000, "There was a problem with an eBay internal system or process. Contact eBay developer support for assistance."));
            case SimFault.Malformed:
                return Results.Text("{\"href\":\"https://api.ebay.com/buy/browse/v1/item_summary/search?q=", "application/json", statusCode: 200);
            case SimFault.Timeout:
                await Task.Delay(sim.Options.TimeoutDelay, sim.Time, http.RequestAborted).ConfigureAwait(false);
                break;
        }

        return handle(marketplace, http.Request);
    }

    private static IResult Search(SimulatedMarketplace sim, string marketplace, HttpRequest request)
    {
        var q = request.Query;
        var currency = KnownMarketplaces.CurrencyOf(marketplace);
        var (search, error) = SimSearch.Parse(q["q"], Optional(q["filter"]), Optional(q["sort"]), Optional(q["limit"]), Optional(q["offset"]), currency);
        if (search is null)
        {
            return Error(error!);
        }

        sim.Stats.Search();
        var results = sim.Results(marketplace, search);
        sim.OnSearched(marketplace, search);
        var reachable = Math.Min(results.Length, 10_000);
        var page = results.Skip(search.Offset).Take(Math.Min(search.Limit, Math.Max(0, reachable - search.Offset))).ToArray();
        var self = Href(request, search.Offset);
        var body = new EbaySearchResponse
        {
            Href = self,
            Total = results.Length,
            Limit = search.Limit,
            Offset = search.Offset,
            Next = search.Offset + search.Limit < reachable ? Href(request, search.Offset + search.Limit) : null,
            Prev = search.Offset > 0 ? Href(request, Math.Max(0, search.Offset - search.Limit)) : null,
            ItemSummaries = page.Length == 0 ? null : page.Select(o => Summary(o, marketplace)).ToArray(),
        };
        return Results.Json(body, EbayJson.Options);
    }

    private static IResult Item(SimulatedMarketplace sim, string marketplace, string itemId)
    {
        sim.Stats.Item();
        sim.OnItemRequested(marketplace, itemId);
        var parts = itemId.Split('|');
        if (parts.Length != 3 || parts[0] != "v1" || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var legacy))
        {
            return Error(new SimError(400, 11006, $"The legacy ID is invalid. Use a valid item id, not '{itemId}'."));
        }

        var generation = sim.Generation;
        var owner = KnownMarketplaces.All.FirstOrDefault(m => sim.Catalog(m).Find(legacy, generation) is not null);
        var listing = owner is null ? null : sim.Catalog(owner).Find(legacy, generation);
        if (owner is null || listing is null || !listing.IsLiveAt(generation))
        {
            return Error(new SimError(404, 11001, $"The item {itemId} is no longer available: it has ended or was removed."));
        }

        var catalog = sim.Catalog(owner);
        var offer = new SimOffer(listing, catalog.PriceAt(listing, generation));
        var summary = Summary(offer, owner);
        var item = new EbayItem
        {
            ItemId = listing.ItemId,
            Title = listing.Title,
            Price = summary.Price,
            Condition = listing.Condition,
            ConditionId = listing.ConditionId,
            Description = $"<p>{listing.Title}. Sold by {listing.Seller}; ships from {listing.Country}. {listing.Family.Brand} in {listing.Condition.ToUpperInvariant().ToLowerInvariant()} condition.</p>",
            ShortDescription = listing.Title,
            LocalizedAspects =
            [
                new EbayAspect("STRING", "Brand", listing.Family.Brand.Split(' ')[0]),
                new EbayAspect("STRING", "Model", listing.Title[(listing.Family.Brand.Length + 1)..]),
                new EbayAspect("STRING", "Condition", listing.Condition),
            ],
            Brand = listing.Family.Brand.Split(' ')[0],
            Mpn = "MPN-" + listing.LegacyId[^6..],
            Gtin = listing.Index % 3 == 0 ? null : "0" + listing.LegacyId[^12..],
            CategoryPath = listing.Family.Category.Replace(" > ", "|", StringComparison.Ordinal),
            EstimatedAvailabilities = [new EbayAvailability(listing.Quantity > 3 ? "IN_STOCK" : "LIMITED_STOCK", listing.Quantity)],
            ShippingOptions = summary.ShippingOptions,
            Seller = summary.Seller,
            ItemEndDate = summary.ItemEndDate,
        };
        return Results.Json(item, EbayJson.Options);
    }

    private static EbayItemSummary Summary(SimOffer offer, string marketplace)
    {
        var l = offer.Listing;
        return new EbayItemSummary
        {
            ItemId = l.ItemId,
            LegacyItemId = l.LegacyId,
            Title = l.Title,
            Price = new EbayAmount(offer.Price.ToString("0.00", CultureInfo.InvariantCulture), l.Currency),
            Condition = l.Condition,
            ConditionId = l.ConditionId,
            Seller = new EbaySeller(l.Seller, l.FeedbackPercentage.ToString("0.0", CultureInfo.InvariantCulture), l.FeedbackScore),
            ItemWebUrl = $"https://www.ebay.example/itm/{l.LegacyId}",
            Image = new EbayImage($"https://i.ebayimg.example/images/g/{l.LegacyId}/s-l225.jpg"),
            BuyingOptions = l.BuyingOptions,
            ItemLocation = new EbayLocation(l.Country, null, null),
            ShippingOptions = [new EbayShippingOption(new EbayAmount(l.Shipping.ToString("0.00", CultureInfo.InvariantCulture), l.Currency), l.Shipping == 0 ? "FREE" : "FIXED")],
            Categories = [new EbayCategory(((uint)Hash.OfString(l.Family.Category) % 100000).ToString(CultureInfo.InvariantCulture), l.Family.Category.Split(" > ")[^1])],
            ItemCreationDate = l.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ItemEndDate = l.BuyingOptions.Contains("AUCTION") ? l.CreatedAt.AddDays(7).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : null,
        };
    }

    private static IResult Error(SimError error)
    {
        var body = new EbayErrorResponse([new EbayError
        {
            ErrorId = error.ErrorId,
            Domain = error.ErrorId == 2001 ? "ACCESS" : "API_BROWSE",
            Category = error.Status >= 500 ? "APPLICATION" : "REQUEST",
            Message = error.Message,
            LongMessage = error.Message,
        }]);
        return Results.Json(body, EbayJson.Options, statusCode: error.Status);
    }

    private static string Href(HttpRequest request, int offset)
    {
        var pairs = request.Query.Where(p => p.Key != "offset").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value.ToString())}").Append($"offset={offset}");
        return $"{request.Scheme}://{request.Host}{request.Path}?{string.Join('&', pairs)}";
    }

    private static string? Optional(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 ? null : value.ToString();

}

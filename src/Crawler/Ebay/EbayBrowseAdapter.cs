using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crawler.Marketplaces;

namespace Crawler.Ebay;

/// <summary>
/// The eBay Buy Browse v1 adapter: client-credentials token, <c>X-EBAY-C-MARKETPLACE-ID</c>, search with
/// <c>limit</c>/<c>offset</c> (10,000 results reachable per query), item detail, and eBay's errors mapped to the
/// crawler's exceptions (see <see cref="IMarketplaceAdapter"/>).
/// </summary>
internal sealed class EbayBrowseAdapter(IHttpClientFactory httpClients, EbayTokenProvider tokens, EbayOptions options) : IMarketplaceAdapter
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client.</summary>
    public const string HttpClientName = "ebay";

    public int MaxReachableResults => 10_000;

    public int MaxPageSize => 200;

    public bool Serves(string marketplace) => options.EffectiveMarketplaces.Contains(marketplace, StringComparer.Ordinal);

    public MarketplaceLimits Limits(string marketplace) => LimitsFor(options, marketplace);

    /// <summary>
    /// The budget of one marketplace under <paramref name="options"/>: its whole share of the application's limits (eBay
    /// counts calls per application, across marketplaces). Declared at startup, before any adapter exists.
    /// </summary>
    public static MarketplaceLimits LimitsFor(EbayOptions options, string marketplace) => new()
    {
        ResourceName = $"ebay:{marketplace}",
        PerSecond = options.PerSecond / options.EffectiveMarketplaces.Count,
        Burst = 1, // evenly spaced: an API that counts calls per clock second never sees a burst straddle its boundary
        PerDay = options.PerDay / options.EffectiveMarketplaces.Count,
        ResetAt = TimeOnly.MinValue,
        TimeZone = "America/Los_Angeles",
    };

    public async Task<SearchPage> SearchAsync(string marketplace, SearchRequest request, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = "/buy/browse/v1/item_summary/search?" + EbayQuery.Build(request, KnownMarketplaces.CurrencyOf(marketplace), offset, limit);
        var body = await SendAsync(marketplace, path, itemId: null, cancellationToken).ConfigureAwait(false);
        var response = Parse<EbaySearchResponse>(marketplace, body);
        var items = (response.ItemSummaries ?? []).Select(i => EbayMapping.ToSummary(i, marketplace)).ToArray();
        var reachable = Math.Min(response.Total, MaxReachableResults);
        int? next = response.Next is not null && offset + limit < reachable ? offset + limit : null;
        return new SearchPage(response.Total, response.Offset, response.Limit, items, next);
    }

    public async Task<ItemDetail> GetItemAsync(string marketplace, string itemId, CancellationToken cancellationToken)
    {
        var body = await SendAsync(marketplace, "/buy/browse/v1/item/" + Uri.EscapeDataString(itemId), itemId, cancellationToken).ConfigureAwait(false);
        return EbayMapping.ToDetail(Parse<EbayItem>(marketplace, body), marketplace);
    }

    private async Task<string> SendAsync(string marketplace, string path, string? itemId, CancellationToken cancellationToken)
    {
        string? rejected = null;
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetAsync(rejected, cancellationToken).ConfigureAwait(false);
            using var http = httpClients.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(options.BaseUrl), path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-EBAY-C-MARKETPLACE-ID", marketplace);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            HttpResponseMessage response;
            string body;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new MarketplaceUnavailableException(marketplace, $"no answer within {options.Timeout}", e);
            }
            catch (HttpRequestException e)
            {
                throw new MarketplaceUnavailableException(marketplace, "the API could not be reached: " + e.Message, e);
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    return body;
                }

                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
                {
                    rejected = token;
                    continue;
                }

                throw MapError(marketplace, response, body, itemId);
            }
        }
    }

    private Exception MapError(string marketplace, HttpResponseMessage response, string body, string? itemId)
    {
        var status = (int)response.StatusCode;
        var error = ReadError(body);
        var message = error?.LongMessage ?? error?.Message ?? (body.Length > 300 ? body[..300] : body);
        var errorId = error?.ErrorId.ToString(CultureInfo.InvariantCulture);
        return status switch
        {
            429 => new MarketplaceThrottledException(marketplace, RetryAfter(response) ?? options.ThrottledRetryAfter, $"HTTP 429{(errorId is null ? "" : $" (errorId {errorId})")}: {message}"),
            404 when itemId is not null => new ListingEndedException(marketplace, itemId),
            >= 500 => new MarketplaceUnavailableException(marketplace, $"HTTP {status}: {message}"),
            _ => new MarketplaceRequestException(marketplace, status, errorId, message),
        };
    }

    private static EbayError? ReadError(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<EbayErrorResponse>(body, EbayJson.Options)?.Errors?.FirstOrDefault();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? (date - DateTimeOffset.UtcNow) is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero : null;
    }

    private static T Parse<T>(string marketplace, string body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, EbayJson.Options) ?? throw new JsonException("empty body");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new MarketplaceUnavailableException(marketplace, "malformed response body: " + e.Message, e);
        }
    }
}

/// <summary>Builds Browse search query strings (<c>q</c>, <c>filter</c>, <c>sort</c>, <c>limit</c>, <c>offset</c>).</summary>
internal static class EbayQuery
{
    public static string Build(SearchRequest request, string currency, int offset, int limit)
    {
        var query = new StringBuilder();
        query.Append("q=").Append(Uri.EscapeDataString(request.Query));
        var filter = Filter(request, currency);
        if (filter.Length > 0)
        {
            query.Append("&filter=").Append(Uri.EscapeDataString(filter));
        }

        if (request.Sort is not null)
        {
            query.Append("&sort=").Append(Uri.EscapeDataString(request.Sort));
        }

        query.Append(CultureInfo.InvariantCulture, $"&limit={limit}&offset={offset}");
        return query.ToString();
    }

    public static string Filter(SearchRequest request, string currency)
    {
        var parts = new List<string>();
        if (request.MinPrice is not null || request.MaxPrice is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"price:[{request.MinPrice}..{request.MaxPrice}]"));
            parts.Add("priceCurrency:" + currency);
        }

        if (request.Conditions.Count > 0)
        {
            parts.Add("conditionIds:{" + string.Join('|', request.Conditions) + "}");
        }

        if (request.BuyingOptions.Count > 0)
        {
            parts.Add("buyingOptions:{" + string.Join('|', request.BuyingOptions) + "}");
        }

        return string.Join(',', parts);
    }
}

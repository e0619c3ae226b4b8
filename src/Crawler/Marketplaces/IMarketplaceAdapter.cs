namespace Crawler.Marketplaces;

/// <summary>
/// The seam between the crawler's functions and one marketplace API. An adapter is stateless per call (it may
/// cache a token); errors come out as the crawler's exceptions: <see cref="MarketplaceThrottledException"/> (quota or
/// rate limit), <see cref="ListingEndedException"/>, <see cref="MarketplaceRequestException"/> (bad request, never
/// retried) and <see cref="MarketplaceUnavailableException"/> (server error or timeout, retried).
/// </summary>
internal interface IMarketplaceAdapter
{
    /// <summary>Most results one query can page through (eBay: 10,000); larger result sets are split by price.</summary>
    int MaxReachableResults { get; }

    /// <summary>Largest page size the API accepts.</summary>
    int MaxPageSize { get; }

    /// <summary>Whether this adapter serves <paramref name="marketplace"/> (e.g. EBAY_GB).</summary>
    bool Serves(string marketplace);

    /// <summary>The limits of <paramref name="marketplace"/>, used to declare its budget.</summary>
    MarketplaceLimits Limits(string marketplace);

    /// <summary>One page of results, <paramref name="limit"/> items from <paramref name="offset"/>.</summary>
    Task<SearchPage> SearchAsync(string marketplace, SearchRequest request, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>One item's details; throws <see cref="ListingEndedException"/> when the listing is gone.</summary>
    Task<ItemDetail> GetItemAsync(string marketplace, string itemId, CancellationToken cancellationToken);
}

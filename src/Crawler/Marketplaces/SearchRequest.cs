namespace Crawler.Marketplaces;

/// <summary>
/// A marketplace search: keywords and the filters a watchlist may set. Prices are in the marketplace's own
/// currency; <see cref="MinPrice"/> and <see cref="MaxPrice"/> are inclusive.
/// </summary>
internal sealed record SearchRequest
{
    public required string Query { get; init; }

    public decimal? MinPrice { get; init; }

    public decimal? MaxPrice { get; init; }

    /// <summary>Condition ids (1000 new, 3000 used, …); empty for any.</summary>
    public IReadOnlyList<string> Conditions { get; init; } = [];

    /// <summary>FIXED_PRICE, AUCTION, BEST_OFFER; empty for the marketplace's default (fixed price).</summary>
    public IReadOnlyList<string> BuyingOptions { get; init; } = [];

    /// <summary>price, -price, newlyListed; null for best match.</summary>
    public string? Sort { get; init; }

    public SearchRequest WithPriceBand(decimal? min, decimal? max) => this with { MinPrice = min, MaxPrice = max };
}

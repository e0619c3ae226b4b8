using System.Text.RegularExpressions;
using Crawler.Marketplaces;

namespace Crawler.Listings;

/// <summary>A saved query searched on several marketplaces, captured on every refresh.</summary>
internal sealed partial record Watchlist
{
    /// <summary>Slug id: lower-case letters, digits and dashes, 1–64 characters.</summary>
    public required string Id { get; init; }

    public required string Query { get; init; }

    public required IReadOnlyList<string> Marketplaces { get; init; }

    public decimal? MinPrice { get; init; }

    public decimal? MaxPrice { get; init; }

    public IReadOnlyList<string> Conditions { get; init; } = [];

    public IReadOnlyList<string> BuyingOptions { get; init; } = [];

    public bool Active { get; init; } = true;

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The search this watchlist runs on each marketplace.</summary>
    public SearchRequest ToSearch() => new()
    {
        Query = Query,
        MinPrice = MinPrice,
        MaxPrice = MaxPrice,
        Conditions = Conditions,
        BuyingOptions = BuyingOptions,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (!IdPattern().IsMatch(Id ?? ""))
        {
            throw new ArgumentException($"Watchlist id '{Id}' must be 1-64 lower-case letters, digits or dashes", nameof(Id));
        }

        if (string.IsNullOrWhiteSpace(Query) || Query.Length > 200)
        {
            throw new ArgumentException("Watchlist query must be 1-200 characters", nameof(Query));
        }

        if (Marketplaces is null || Marketplaces.Count == 0)
        {
            throw new ArgumentException("Watchlist needs at least one marketplace", nameof(Marketplaces));
        }

        if (Marketplaces.FirstOrDefault(m => !KnownMarketplaces.IsKnown(m)) is { } unknown)
        {
            throw new ArgumentException($"Unknown marketplace '{unknown}'; known: {string.Join(", ", KnownMarketplaces.All)}", nameof(Marketplaces));
        }

        if (MinPrice < 0 || MaxPrice < 0 || MinPrice > MaxPrice)
        {
            throw new ArgumentException("Watchlist price range must be non-negative with MinPrice <= MaxPrice", nameof(MinPrice));
        }

        if (Conditions.FirstOrDefault(c => !c.All(char.IsAsciiDigit) || c.Length == 0) is { } badCondition)
        {
            throw new ArgumentException($"Condition '{badCondition}' is not a condition id (e.g. 1000 new, 3000 used)", nameof(Conditions));
        }

        if (BuyingOptions.FirstOrDefault(b => b is not ("FIXED_PRICE" or "AUCTION" or "BEST_OFFER")) is { } badOption)
        {
            throw new ArgumentException($"Buying option '{badOption}' is not FIXED_PRICE, AUCTION or BEST_OFFER", nameof(BuyingOptions));
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();
}

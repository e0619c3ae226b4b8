namespace Crawler.Marketplaces;

/// <summary>One listing as a search result page shows it.</summary>
internal sealed record ListingSummary
{
    public required string ItemId { get; init; }

    public required string Title { get; init; }

    public required Money Price { get; init; }

    /// <summary>Cheapest shipping cost, when the marketplace gave one (zero for free shipping).</summary>
    public Money? Shipping { get; init; }

    public string? Condition { get; init; }

    public string? ConditionId { get; init; }

    public string? Seller { get; init; }

    public decimal? SellerFeedbackPercentage { get; init; }

    public int? SellerFeedbackScore { get; init; }

    public string? ItemWebUrl { get; init; }

    public string? ImageUrl { get; init; }

    public IReadOnlyList<string> BuyingOptions { get; init; } = [];

    public string? Country { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }
}

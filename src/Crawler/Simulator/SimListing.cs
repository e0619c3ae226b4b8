namespace Crawler.Simulator;

/// <summary>One listing of the simulated catalogue, as first listed; its price moves with the generations.</summary>
internal sealed record SimListing
{
    public required int Index { get; init; }

    public required string ItemId { get; init; }

    public required string LegacyId { get; init; }

    public required string Title { get; init; }

    public required HashSet<string> Words { get; init; }

    public required ProductFamily Family { get; init; }

    public required decimal FirstPrice { get; init; }

    public required string Currency { get; init; }

    public required decimal Shipping { get; init; }

    public required string Condition { get; init; }

    public required string ConditionId { get; init; }

    public required string Seller { get; init; }

    public required decimal FeedbackPercentage { get; init; }

    public required int FeedbackScore { get; init; }

    public required string[] BuyingOptions { get; init; }

    public required string Country { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required int BornGeneration { get; init; }

    /// <summary>First generation in which the listing is gone; null if it never ends.</summary>
    public required int? EndGeneration { get; init; }

    public required int Quantity { get; init; }

    public bool IsLiveAt(int generation) => BornGeneration <= generation && (EndGeneration is null || generation < EndGeneration);
}

/// <summary>A listing with its price in one generation.</summary>
internal sealed record SimOffer(SimListing Listing, decimal Price);

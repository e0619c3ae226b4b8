namespace Crawler.Listings;

/// <summary>A listing as the store holds it.</summary>
internal sealed record StoredListing
{
    public required string Marketplace { get; init; }

    public required string ItemId { get; init; }

    public required string Title { get; init; }

    public required decimal Price { get; init; }

    public required string Currency { get; init; }

    public decimal? Shipping { get; init; }

    public string? Condition { get; init; }

    public string? ConditionId { get; init; }

    public string? Seller { get; init; }

    public string? ItemUrl { get; init; }

    public DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset LastSeen { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public string? Description { get; init; }

    public string? Brand { get; init; }

    public string? Availability { get; init; }

    public DateTimeOffset? EnrichedAt { get; init; }

    /// <summary>Item price plus shipping (shipping counted as zero when unknown).</summary>
    public decimal Landed => Price + (Shipping ?? 0);
}

/// <summary>One observed price of a listing.</summary>
internal sealed record PricePoint(string CaptureId, DateTimeOffset ObservedAt, decimal Price, decimal? Shipping, string Currency);

/// <summary>What one page upsert changed.</summary>
internal sealed record PageChanges(IReadOnlyList<string> NewIds, IReadOnlyList<string> ChangedIds);

/// <summary>A capture as recorded.</summary>
internal sealed record CaptureRecord(string Id, string WatchlistId, string Marketplace, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int Pages, int Listings, int New, int Changed, int Ended);

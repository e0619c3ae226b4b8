namespace Crawler.Analysis;

/// <summary>Landed-price statistics of one group (query × marketplace × condition), in the base currency.</summary>
internal sealed record PriceStats
{
    public int Count { get; init; }

    public decimal Min { get; init; }

    public decimal Max { get; init; }

    public decimal Mean { get; init; }

    public decimal Median { get; init; }

    public decimal P10 { get; init; }

    public decimal P20 { get; init; }

    public decimal P80 { get; init; }

    public decimal P90 { get; init; }

    /// <summary>First quartile (25th percentile).</summary>
    public decimal Q1 { get; init; }

    /// <summary>Third quartile (75th percentile).</summary>
    public decimal Q3 { get; init; }

    /// <summary>Q1 − 1.5 × IQR: below it a price is an outlier.</summary>
    public decimal LowerFence { get; init; }

    /// <summary>Q3 + 1.5 × IQR: above it a price is an outlier.</summary>
    public decimal UpperFence { get; init; }

    public int Outliers { get; init; }

    public int Deals { get; init; }
}

/// <summary>One bar of the price distribution.</summary>
internal sealed record HistogramBin(decimal From, decimal To, int Count);

/// <summary>How a group moved since its previous analysis.</summary>
internal sealed record AnalysisChange(string PreviousId, DateTimeOffset PreviousAt, int CountDelta, decimal MedianDelta, decimal? MedianChangePercent, decimal MeanDelta);

/// <summary>A listing with its place in its group's distribution.</summary>
internal sealed record ScoredListing
{
    public required string Marketplace { get; init; }

    public required string ItemId { get; init; }

    public required string Title { get; init; }

    /// <summary>Item plus shipping in the listing's own currency (the original value).</summary>
    public required decimal Landed { get; init; }

    public required string Currency { get; init; }

    /// <summary><see cref="Landed"/> converted to the base currency.</summary>
    public required decimal LandedBase { get; init; }

    /// <summary>Share of the group priced at or below this listing (0–1): the deal score, lower is better.</summary>
    public required double Percentile { get; init; }

    public required double RatioToMedian { get; init; }

    public required bool IsDeal { get; init; }

    public required bool IsOutlier { get; init; }

    public string? ItemUrl { get; init; }
}

/// <summary>The analysis of one group at one time.</summary>
internal sealed record GroupAnalysis
{
    public required string Id { get; init; }

    public required string WatchlistId { get; init; }

    public required string Marketplace { get; init; }

    public required string Condition { get; init; }

    public required DateTimeOffset ComputedAt { get; init; }

    public required string BaseCurrency { get; init; }

    /// <summary>Date of the exchange-rate table used.</summary>
    public required DateOnly RateDate { get; init; }

    /// <summary>Base-currency units per unit of the marketplace's currency.</summary>
    public required decimal Rate { get; init; }

    public required PriceStats Stats { get; init; }

    public IReadOnlyList<HistogramBin> Histogram { get; init; } = [];

    public AnalysisChange? Change { get; init; }

    public IReadOnlyList<ScoredListing> Listings { get; init; } = [];
}

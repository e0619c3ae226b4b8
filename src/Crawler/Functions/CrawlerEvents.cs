namespace Crawler.Functions;

/// <summary>Names of the crawler's events and functions.</summary>
internal static class CrawlerEvents
{
    /// <summary>Asks for one capture: a watchlist's query on one marketplace (<see cref="CaptureRequested"/>).</summary>
    public const string CaptureRequested = "marketplace/capture.requested";

    /// <summary>A capture finished (<see cref="ListingsCaptured"/>).</summary>
    public const string ListingsCaptured = "marketplace/listings.captured";

    /// <summary>Asks to enrich a watchlist's listings on one marketplace (<see cref="EnrichRequest"/>).</summary>
    public const string EnrichRequested = "marketplace/enrich.requested";

    /// <summary>Asks to analyse a watchlist now (<see cref="AnalyzeRequest"/>).</summary>
    public const string AnalyzeRequested = "marketplace/analyze.requested";

    public const string CaptureFunction = "capture";

    public const string EnrichFunction = "enrich";

    public const string AnalyzeFunction = "analyze";

    public const string RefreshFunction = "refresh-watchlists";
}

/// <summary>Data of <see cref="CrawlerEvents.CaptureRequested"/>: the watchlist's search on one marketplace.</summary>
internal sealed record CaptureRequested
{
    public required string WatchlistId { get; init; }

    public required string Marketplace { get; init; }

    public required string Query { get; init; }

    public decimal? MinPrice { get; init; }

    public decimal? MaxPrice { get; init; }

    public IReadOnlyList<string>? Conditions { get; init; }

    public IReadOnlyList<string>? BuyingOptions { get; init; }
}

/// <summary>Data of <see cref="CrawlerEvents.ListingsCaptured"/>.</summary>
internal sealed record ListingsCaptured(
    string WatchlistId,
    string Marketplace,
    string CaptureId,
    int Pages,
    int Listings,
    IReadOnlyList<string> NewIds,
    IReadOnlyList<string> ChangedIds,
    IReadOnlyList<string> EndedIds);

/// <summary>
/// Data of <see cref="CrawlerEvents.EnrichRequested"/> and of <see cref="CrawlerEvents.ListingsCaptured"/> as the
/// enricher reads it: explicit <see cref="ItemIds"/>, else the captured new and changed ids, else all of the
/// watchlist's live listings on the marketplace.
/// </summary>
internal sealed record EnrichRequest
{
    public required string WatchlistId { get; init; }

    public required string Marketplace { get; init; }

    public IReadOnlyList<string>? ItemIds { get; init; }

    public IReadOnlyList<string>? NewIds { get; init; }

    public IReadOnlyList<string>? ChangedIds { get; init; }
}

/// <summary>Data of <see cref="CrawlerEvents.AnalyzeRequested"/> (and the watchlist id of a capture event).</summary>
internal sealed record AnalyzeRequest(string WatchlistId);

/// <summary>What one capture did (its run's output).</summary>
internal sealed record CaptureSummary(int Pages, int Listings, int New, int Changed, int Ended, int Bands);

/// <summary>What one result page step did (its memoized output).</summary>
internal sealed record PageOutcome(int Total, int? Next, IReadOnlyList<string> Ids, IReadOnlyList<string> NewIds, IReadOnlyList<string> ChangedIds);

/// <summary>What one enrich run did.</summary>
internal sealed record EnrichSummary(int Selected, int Enriched, int Ended);

/// <summary>What one analysis run did.</summary>
internal sealed record AnalyzeSummary(int Groups, int Listings, int Deals);

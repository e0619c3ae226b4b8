namespace Crawler.Marketplaces;

/// <summary>
/// An API's published limits for one marketplace: the calls per second (with burst) and per quota window, and
/// when the window resets. They declare the Baton resource budget named <see cref="ResourceName"/>.
/// </summary>
internal sealed record MarketplaceLimits
{
    /// <summary>Budget name, e.g. <c>ebay:EBAY_GB</c>.</summary>
    public required string ResourceName { get; init; }

    /// <summary>Calls per second. eBay's Browse default is 5.</summary>
    public int PerSecond { get; init; } = 5;

    /// <summary>Calls allowed at once above the per-second rate.</summary>
    public int Burst { get; init; } = 5;

    /// <summary>Calls per day. eBay's Browse default is 5,000.</summary>
    public int PerDay { get; init; } = 5000;

    /// <summary>Local time of day at which the daily quota resets.</summary>
    public TimeOnly ResetAt { get; init; } = TimeOnly.MinValue;

    /// <summary>Time zone of <see cref="ResetAt"/>; eBay resets at midnight US Pacific.</summary>
    public string TimeZone { get; init; } = "America/Los_Angeles";
}

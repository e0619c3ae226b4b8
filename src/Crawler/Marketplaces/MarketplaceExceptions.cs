using Baton;

namespace Crawler.Marketplaces;

/// <summary>
/// The marketplace refused the call for quota or rate reasons (eBay: HTTP 429, errorId 2001). Thrown from a step that
/// names the marketplace's budget, it pauses that budget for every function and node until
/// <see cref="ResourceExhaustedException.RetryAfter"/> (the API's Retry-After when it sent one), and the step tries
/// again then without using up a retry.
/// </summary>
internal sealed class MarketplaceThrottledException(string marketplace, TimeSpan retryAfter, string message)
    : ResourceExhaustedException(retryAfter, $"{marketplace}: {message}")
{
    public string Marketplace { get; } = marketplace;
}

/// <summary>The listing no longer exists (eBay: 404, errorId 11001).</summary>
internal sealed class ListingEndedException(string marketplace, string itemId)
    : NonRetriableException($"{marketplace}: listing {itemId} has ended")
{
    public string Marketplace { get; } = marketplace;

    public string ItemId { get; } = itemId;
}

/// <summary>The marketplace rejected the request itself (400, 409, or credentials refused twice): retrying cannot help.</summary>
internal sealed class MarketplaceRequestException(string marketplace, int status, string? errorId, string message)
    : NonRetriableException($"{marketplace}: HTTP {status}{(errorId is null ? "" : $" (errorId {errorId})")}: {message}")
{
    public string Marketplace { get; } = marketplace;

    public int Status { get; } = status;

    public string? ErrorId { get; } = errorId;
}

/// <summary>The marketplace failed to answer usefully (5xx, timeout, malformed body): the step is retried with backoff.</summary>
internal sealed class MarketplaceUnavailableException(string marketplace, string message, Exception? innerException = null)
    : BatonException($"{marketplace}: {message}", innerException)
{
    public string Marketplace { get; } = marketplace;
}

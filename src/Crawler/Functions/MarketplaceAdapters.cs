using Crawler.Marketplaces;

namespace Crawler.Functions;

/// <summary>Finds the adapter that serves a marketplace.</summary>
internal sealed class MarketplaceAdapters(IEnumerable<IMarketplaceAdapter> adapters)
{
    private readonly IMarketplaceAdapter[] _adapters = [.. adapters];

    public IReadOnlyList<IMarketplaceAdapter> All => _adapters;

    /// <summary>The adapter of <paramref name="marketplace"/>; a non-retriable error when none serves it.</summary>
    public IMarketplaceAdapter For(string marketplace)
        => _adapters.FirstOrDefault(a => a.Serves(marketplace))
            ?? throw new Baton.NonRetriableException($"No marketplace adapter serves '{marketplace}'");
}

namespace Crawler.Marketplaces;

/// <summary>One page of search results and where the next one starts (null at the end).</summary>
internal sealed record SearchPage(int Total, int Offset, int Limit, IReadOnlyList<ListingSummary> Items, int? NextOffset);

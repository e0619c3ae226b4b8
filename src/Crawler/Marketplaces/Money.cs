namespace Crawler.Marketplaces;

/// <summary>An amount in a currency, exactly as the marketplace gave it.</summary>
internal sealed record Money(decimal Value, string Currency);

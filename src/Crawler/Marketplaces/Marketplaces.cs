namespace Crawler.Marketplaces;

/// <summary>The marketplaces the crawler knows, with their currencies.</summary>
internal static class KnownMarketplaces
{
    private static readonly Dictionary<string, string> Currencies = new(StringComparer.Ordinal)
    {
        ["EBAY_US"] = "USD",
        ["EBAY_GB"] = "GBP",
        ["EBAY_DE"] = "EUR",
        ["EBAY_FR"] = "EUR",
        ["EBAY_IT"] = "EUR",
        ["EBAY_ES"] = "EUR",
        ["EBAY_AU"] = "AUD",
        ["EBAY_CA"] = "CAD",
    };

    /// <summary>All known marketplace ids.</summary>
    public static IReadOnlyCollection<string> All => Currencies.Keys;

    /// <summary>Whether <paramref name="marketplace"/> is a known id.</summary>
    public static bool IsKnown(string marketplace) => Currencies.ContainsKey(marketplace);

    /// <summary>The local currency of <paramref name="marketplace"/>.</summary>
    public static string CurrencyOf(string marketplace)
        => Currencies.TryGetValue(marketplace, out var currency) ? currency : throw new ArgumentException($"Unknown marketplace '{marketplace}'", nameof(marketplace));
}

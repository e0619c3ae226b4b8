using Crawler.Analysis;
using Crawler.Listings;

namespace Crawler.Tests.Analysis;

public sealed class PriceAnalyzerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static StoredListing Listing(string id, decimal price, decimal? shipping = null, string condition = "Used", string marketplace = "EBAY_US", string currency = "USD")
        => new() { Marketplace = marketplace, ItemId = id, Title = id, Price = price, Shipping = shipping, Currency = currency, Condition = condition };

    [Fact]
    public void Percentile_InterpolatesBetweenClosestRanks()
    {
        decimal[] values = [10, 20, 30, 40, 50];
        Assert.Equal(30m, PriceAnalyzer.Percentile(values, 0.5m));
        Assert.Equal(14m, PriceAnalyzer.Percentile(values, 0.1m));
        Assert.Equal(18m, PriceAnalyzer.Percentile(values, 0.2m));
        Assert.Equal(42m, PriceAnalyzer.Percentile(values, 0.8m));
        Assert.Equal(46m, PriceAnalyzer.Percentile(values, 0.9m));
    }

    [Fact]
    public void Analyze_LandedPrices_GivesStatisticsOutliersAndDeals()
    {
        // Landed prices: 10, 12, 14, 16, 18, 20, 22, 24, 26, 100 (the last one an outlier).
        var listings = Enumerable.Range(0, 9).Select(i => Listing($"i{i}", 8 + (2 * i), 2)).Append(Listing("big", 100)).ToArray();
        var group = Assert.Single(PriceAnalyzer.Analyze("a1", "w", listings, ExchangeRates.Default, "USD", Now, (_, _) => null));
        var s = group.Stats;
        Assert.Equal(10, s.Count);
        Assert.Equal(10m, s.Min);
        Assert.Equal(100m, s.Max);
        Assert.Equal(26.2m, s.Mean);
        Assert.Equal(19m, s.Median);
        Assert.Equal(11.8m, s.P10);
        Assert.Equal(13.6m, s.P20);
        Assert.Equal(24.4m, s.P80);
        Assert.Equal(33.4m, s.P90);
        Assert.Equal(14.5m, s.Q1);
        Assert.Equal(23.5m, s.Q3);
        Assert.Equal(37m, s.UpperFence);
        Assert.Equal(1, s.Outliers);
        Assert.Equal(["i0", "i1"], group.Listings.Where(l => l.IsDeal).Select(l => l.ItemId));
        Assert.True(group.Listings.Single(l => l.ItemId == "big").IsOutlier);
        Assert.Equal(0.1, group.Listings.Single(l => l.ItemId == "i0").Percentile);
        Assert.Equal(10, group.Histogram.Sum(b => b.Count));
    }

    [Fact]
    public void Analyze_LocalCurrency_ConvertsWithTheRateOfTheDayAndKeepsTheOriginal()
    {
        var listing = Listing("gb", 100m, 5m, marketplace: "EBAY_GB", currency: "GBP");
        var group = Assert.Single(PriceAnalyzer.Analyze("a1", "w", [listing], ExchangeRates.Default, "USD", Now, (_, _) => null));
        Assert.Equal(1.27m, group.Rate);
        Assert.Equal(new DateOnly(2026, 1, 1), group.RateDate);
        var scored = Assert.Single(group.Listings);
        Assert.Equal(105m, scored.Landed);
        Assert.Equal("GBP", scored.Currency);
        Assert.Equal(133.35m, scored.LandedBase);

        var later = PriceAnalyzer.Analyze("a2", "w", [listing], ExchangeRates.Default, "USD", new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero), (_, _) => null)[0];
        Assert.Equal(1.29m, later.Rate);
        Assert.Equal(135.45m, later.Listings[0].LandedBase);
    }

    [Fact]
    public void Analyze_GroupsByMarketplaceAndCondition_AndReportsChangeSincePrevious()
    {
        var first = PriceAnalyzer.Analyze("a1", "w", [Listing("a", 10), Listing("b", 30), Listing("c", 50, condition: "New")], ExchangeRates.Default, "USD", Now, (_, _) => null);
        Assert.Equal([("EBAY_US", "New"), ("EBAY_US", "Used")], first.Select(g => (g.Marketplace, g.Condition)));
        var previous = first.ToDictionary(g => (g.Marketplace, g.Condition));
        var second = PriceAnalyzer.Analyze("a2", "w", [Listing("a", 10), Listing("b", 50)], ExchangeRates.Default, "USD", Now.AddHours(1), (m, c) => previous.GetValueOrDefault((m, c)));
        var used = Assert.Single(second);
        Assert.Equal(10m, used.Change!.MedianDelta);
        Assert.Equal(50m, used.Change.MedianChangePercent);
        Assert.Equal(0, used.Change.CountDelta);
        Assert.Equal(first[1].Id, used.Change.PreviousId);
    }

    [Fact]
    public void ExchangeRates_UnknownCurrency_IsAnArgumentError()
        => Assert.Throws<ArgumentException>(() => ExchangeRates.Default.Rate("JPY", "USD", DateOnly.FromDateTime(Now.UtcDateTime)));
}

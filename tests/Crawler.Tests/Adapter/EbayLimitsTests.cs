using Crawler.Ebay;

namespace Crawler.Tests.Adapter;

/// <summary>eBay counts calls per application: the marketplaces' budgets share the application's limits.</summary>
public sealed class EbayLimitsTests
{
    [Theory]
    [InlineData(10, 50_000, 3, 3, 16_666)]
    [InlineData(5, 5_000, 3, 1, 1_666)]
    [InlineData(5, 5_000, 1, 5, 5_000)]
    [InlineData(7, 100, 2, 3, 50)]
    public void LimitsFor_SharesTheApplicationsLimitsEvenlyInWholeCallsPerSecond(int perSecond, int perDay, int marketplaces, int expectedPerSecond, int expectedPerDay)
    {
        var options = Options(perSecond, perDay, marketplaces);
        options.Validate();

        var limits = options.EffectiveMarketplaces.Select(m => EbayBrowseAdapter.LimitsFor(options, m)).ToArray();

        Assert.Equal(marketplaces, limits.Length);
        Assert.All(limits, l => Assert.Equal((expectedPerSecond, 1, expectedPerDay), (l.PerSecond, l.Burst, l.PerDay)));
        Assert.Equal(options.EffectiveMarketplaces.Select(m => "ebay:" + m), limits.Select(l => l.ResourceName));

        // Evenly spaced calls at a whole rate r put at most r calls in any clock second, so the shares never add up to
        // more than the application may make in one second or one day.
        Assert.InRange(limits.Sum(l => l.PerSecond), 1, perSecond);
        Assert.InRange(limits.Sum(l => l.PerDay), 1, perDay);
    }

    [Fact]
    public void Validate_FewerCallsPerSecondThanMarketplaces_NamesTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => Options(perSecond: 2, perDay: 5_000, marketplaces: 3).Validate());

        Assert.Equal("PerSecond", error.ParamName);
        Assert.Contains("shared by 3 marketplace(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AQuotaSmallerThanTheMarketplaces_NamesTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => Options(perSecond: 5, perDay: 2, marketplaces: 3).Validate());

        Assert.Equal("PerDay", error.ParamName);
    }

    [Fact]
    public void EffectiveMarketplaces_ListedTwice_CountOnce()
    {
        var options = new EbayOptions { PerSecond = 2 };
        options.Marketplaces.Add("EBAY_GB");
        options.Marketplaces.Add("EBAY_GB");
        options.Marketplaces.Add("EBAY_DE");

        options.Validate();

        Assert.Equal(["EBAY_GB", "EBAY_DE"], options.EffectiveMarketplaces);
        Assert.Equal(1, EbayBrowseAdapter.LimitsFor(options, "EBAY_GB").PerSecond);
    }

    private static EbayOptions Options(int perSecond, int perDay, int marketplaces)
    {
        var options = new EbayOptions { PerSecond = perSecond, PerDay = perDay };
        foreach (var marketplace in new[] { "EBAY_GB", "EBAY_US", "EBAY_DE" }.Take(marketplaces))
        {
            options.Marketplaces.Add(marketplace);
        }

        return options;
    }
}

using Crawler.Marketplaces;
using Crawler.Tests.Support;

namespace Crawler.Tests.Adapter;

/// <summary>The eBay adapter against the simulated marketplace: paging, filters, errors, tokens.</summary>
public sealed class SimulatorContractTests
{
    private static readonly SearchRequest Lego = new() { Query = "lego" };

    [Fact]
    public async Task Search_PagedToTheEnd_ReturnsExactlyTheCatalogueMatches()
    {
        await using var ebay = await SimulatedEbay.StartAsync();
        var found = new List<ListingSummary>();
        int? offset = 0;
        while (offset is { } o)
        {
            var page = await ebay.Adapter.SearchAsync("EBAY_GB", Lego, o, 50, default);
            found.AddRange(page.Items);
            offset = page.NextOffset;
        }

        var expected = ebay.Marketplace.Matching("EBAY_GB", Lego);
        Assert.True(expected.Length > 50, "the query must span several pages");
        Assert.Equal(expected.Select(e => e.Listing.ItemId), found.Select(f => f.ItemId));
        Assert.Equal(expected.Select(e => e.Price), found.Select(f => f.Price.Value));
        Assert.All(found, f => Assert.Equal("GBP", f.Price.Currency));
        Assert.All(found, f => Assert.Contains("lego", f.Title, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(found, f => f.BuyingOptions.SequenceEqual(["AUCTION"]));
    }

    [Fact]
    public async Task Search_PriceAndConditionFilter_ReturnsOnlyMatchingListings()
    {
        await using var ebay = await SimulatedEbay.StartAsync();
        var request = Lego with { MinPrice = 20m, MaxPrice = 60m, Conditions = ["1000"] };
        var page = await ebay.Adapter.SearchAsync("EBAY_DE", request, 0, 200, default);
        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, i => Assert.InRange(i.Price.Value, 20m, 60m));
        Assert.All(page.Items, i => Assert.Equal("1000", i.ConditionId));
        Assert.Equal(ebay.Marketplace.Matching("EBAY_DE", request).Length, page.Total);
    }

    [Fact]
    public async Task Search_AuctionsRequested_IncludesAuctions()
    {
        await using var ebay = await SimulatedEbay.StartAsync();
        var page = await ebay.Adapter.SearchAsync("EBAY_US", Lego with { BuyingOptions = ["AUCTION"] }, 0, 200, default);
        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, i => Assert.Contains("AUCTION", i.BuyingOptions));
    }

    [Fact]
    public async Task Search_InvalidLimit_FailsWithEbaysMessageAndIsNotRetried()
    {
        await using var ebay = await SimulatedEbay.StartAsync();
        var error = await Assert.ThrowsAsync<MarketplaceRequestException>(() => ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 500, default));
        Assert.Equal(400, error.Status);
        Assert.Equal("12006", error.ErrorId);
        Assert.Contains("'limit' value should be between 1 and 200", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<Baton.NonRetriableException>(error);
    }

    [Fact]
    public async Task Search_OverThePerSecondLimit_IsThrottledUntilTheNextSecond()
    {
        await using var ebay = await SimulatedEbay.StartAsync(o => o.PerSecond = 2);
        await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        var throttled = await Assert.ThrowsAsync<MarketplaceThrottledException>(() => ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default));
        Assert.Contains("2001", throttled.Message, StringComparison.Ordinal);
        Assert.Equal(1, ebay.Marketplace.Stats.QuotaRejections);

        ebay.Time.Advance(TimeSpan.FromSeconds(1));
        await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        Assert.Equal(2, ebay.Marketplace.Stats.MaxCallsInOneSecond);
    }

    [Fact]
    public async Task Search_DailyQuotaUsedUp_IsThrottledUntilPacificMidnight()
    {
        await using var ebay = await SimulatedEbay.StartAsync(o => o.DailyQuota = 3);
        for (var i = 0; i < 3; i++)
        {
            await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
            ebay.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Assert.ThrowsAsync<MarketplaceThrottledException>(() => ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default));

        // The fake clock starts at midnight UTC, 16:00 the previous day in Los Angeles: the quota day ends 8 hours later.
        ebay.Time.Advance(TimeSpan.FromHours(8));
        await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        Assert.Equal(3, ebay.Marketplace.Stats.MaxCallsInOneDay);
    }

    [Fact]
    public async Task Search_ResultsBeyondTheCap_StopAtTenThousand()
    {
        await using var ebay = await SimulatedEbay.StartAsync(o => o.Scale = 1.5);
        var pokemon = new SearchRequest { Query = "pokemon" };
        var total = ebay.Marketplace.Matching("EBAY_US", pokemon).Length;
        Assert.True(total > 10_000, $"needs more than 10,000 results, has {total}");
        var last = await ebay.Adapter.SearchAsync("EBAY_US", pokemon, 9_800, 200, default);
        Assert.Equal(total, last.Total);
        Assert.Equal(200, last.Items.Count);
        Assert.Null(last.NextOffset);
        await Assert.ThrowsAsync<MarketplaceRequestException>(() => ebay.Adapter.SearchAsync("EBAY_US", pokemon, 10_200, 200, default));
    }

    [Fact]
    public async Task GetItem_LiveListing_ReturnsDetails()
    {
        await using var ebay = await SimulatedEbay.StartAsync();
        var listing = ebay.Marketplace.Matching("EBAY_GB", Lego)[0];
        var detail = await ebay.Adapter.GetItemAsync("EBAY_GB", listing.Listing.ItemId, default);
        Assert.Equal(listing.Price, detail.Price.Value);
        Assert.Equal("LEGO", detail.Brand);
        Assert.NotNull(detail.Description);
        Assert.Contains(detail.Aspects, a => a.Name == "Brand");
        Assert.NotNull(detail.Availability);
    }

    [Fact]
    public async Task GetItem_UnknownListing_ThrowsListingEnded()
    {
        await using var ebay = await SimulatedEbay.StartAsync();
        var ended = await Assert.ThrowsAsync<ListingEndedException>(() => ebay.Adapter.GetItemAsync("EBAY_GB", "v1|119999999999|0", default));
        Assert.Equal("v1|119999999999|0", ended.ItemId);
    }

    [Fact]
    public async Task Token_NearExpiry_IsRenewedBeforeItExpires()
    {
        await using var ebay = await SimulatedEbay.StartAsync();
        await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        ebay.Time.Advance(TimeSpan.FromMinutes(100));
        await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        Assert.Equal(1, ebay.Tokens.TokensFetched);

        ebay.Time.Advance(TimeSpan.FromMinutes(16));   // 116 minutes: within 5 minutes of the 120-minute expiry
        await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        Assert.Equal(2, ebay.Tokens.TokensFetched);
        Assert.Equal(2, ebay.Marketplace.Stats.TokensIssued);
    }

    [Fact]
    public async Task Token_RejectedWith401_IsRenewedOnceAndTheCallSucceeds()
    {
        await using var ebay = await SimulatedEbay.StartAsync();
        await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        ebay.Marketplace.RevokeTokens();
        var page = await ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default);
        Assert.Equal(10, page.Items.Count);
        Assert.Equal(2, ebay.Tokens.TokensFetched);
    }

    [Fact]
    public async Task Search_ServerError_IsRetriable()
    {
        await using var ebay = await SimulatedEbay.StartAsync(o => o.ServerErrorRate = 1);
        var error = await Assert.ThrowsAsync<MarketplaceUnavailableException>(() => ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default));
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.IsNotAssignableFrom<Baton.NonRetriableException>(error);
    }

    [Fact]
    public async Task Search_MalformedBody_IsRetriable()
    {
        await using var ebay = await SimulatedEbay.StartAsync(o => o.MalformedRate = 1);
        var error = await Assert.ThrowsAsync<MarketplaceUnavailableException>(() => ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default));
        Assert.Contains("malformed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_InjectedThrottle_IsAThrottledException()
    {
        await using var ebay = await SimulatedEbay.StartAsync(o => o.ThrottleRate = 1);
        await Assert.ThrowsAsync<MarketplaceThrottledException>(() => ebay.Adapter.SearchAsync("EBAY_GB", Lego, 0, 10, default));
        Assert.Equal(1, ebay.Marketplace.Stats.InjectedThrottles);
    }

    [Fact]
    public async Task Catalogue_SameSeed_GivesTheSameListings()
    {
        await using var first = await SimulatedEbay.StartAsync();
        await using var second = await SimulatedEbay.StartAsync();
        Assert.Equal(
            first.Marketplace.Matching("EBAY_DE", Lego).Select(o => (o.Listing.ItemId, o.Price)),
            second.Marketplace.Matching("EBAY_DE", Lego).Select(o => (o.Listing.ItemId, o.Price)));
    }
}

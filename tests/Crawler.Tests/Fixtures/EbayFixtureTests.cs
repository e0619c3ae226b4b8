using System.Text.Json;
using Crawler.Ebay;

namespace Crawler.Tests.Fixtures;

/// <summary>Parsing of eBay Browse responses shaped from the OpenAPI spec: every field the crawler stores.</summary>
public sealed class EbayFixtureTests
{
    private static T Read<T>(string name) => JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)), EbayJson.Options)!;

    [Fact]
    public void SearchResponse_FullSummary_MapsEveryStoredField()
    {
        var response = Read<EbaySearchResponse>("search_response.json");
        Assert.Equal(5123, response.Total);
        Assert.Equal(2, response.Limit);
        Assert.NotNull(response.Next);

        var item = EbayMapping.ToSummary(response.ItemSummaries![0], "EBAY_GB");
        Assert.Equal("v1|110552345678|0", item.ItemId);
        Assert.Equal("Nintendo Switch OLED console white", item.Title);
        Assert.Equal(249.99m, item.Price.Value);
        Assert.Equal("GBP", item.Price.Currency);
        Assert.Equal(3.10m, item.Shipping!.Value);
        Assert.Equal("Used", item.Condition);
        Assert.Equal("3000", item.ConditionId);
        Assert.Equal("retro_store12", item.Seller);
        Assert.Equal(99.6m, item.SellerFeedbackPercentage);
        Assert.Equal(15321, item.SellerFeedbackScore);
        Assert.Equal("https://www.ebay.co.uk/itm/110552345678", item.ItemWebUrl);
        Assert.Equal("https://i.ebayimg.com/images/g/abc/s-l225.jpg", item.ImageUrl);
        Assert.Equal(["FIXED_PRICE", "BEST_OFFER"], item.BuyingOptions);
        Assert.Equal("GB", item.Country);
        Assert.Equal(["Video Game Consoles"], item.Categories);
        Assert.Equal(new DateTimeOffset(2026, 1, 12, 8, 15, 2, TimeSpan.Zero), item.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 2, 11, 8, 15, 2, TimeSpan.Zero), item.EndsAt);
    }

    [Fact]
    public void SearchResponse_SummaryWithoutOptionalFields_MapsToNulls()
    {
        var item = EbayMapping.ToSummary(Read<EbaySearchResponse>("search_response.json").ItemSummaries![1], "EBAY_GB");
        Assert.Equal(120m, item.Price.Value);
        Assert.Null(item.Shipping);
        Assert.Null(item.Condition);
        Assert.Null(item.Seller);
        Assert.Null(item.CreatedAt);
        Assert.Null(item.EndsAt);
        Assert.Empty(item.BuyingOptions);
    }

    [Fact]
    public void ItemResponse_FullItem_MapsDetails()
    {
        var detail = EbayMapping.ToDetail(Read<EbayItem>("item_response.json"), "EBAY_GB");
        Assert.Equal(239.00m, detail.Price.Value);
        Assert.Equal(0m, detail.Shipping!.Value);
        Assert.Equal("<p>Boxed OLED Switch with two controllers.</p>", detail.Description);
        Assert.Equal([new("Brand", "Nintendo"), new("Colour", "White")], detail.Aspects);
        Assert.Equal("Nintendo", detail.Brand);
        Assert.Equal("HEG-001", detail.Mpn);
        Assert.Equal("0045496453435", detail.Gtin);
        Assert.Equal("Video Games & Consoles|Video Game Consoles", detail.CategoryPath);
        Assert.Equal("LIMITED_STOCK", detail.Availability);
        Assert.Equal(2, detail.AvailableQuantity);
        Assert.Equal(new DateTimeOffset(2026, 2, 11, 8, 15, 2, TimeSpan.Zero), detail.EndsAt);
    }

    [Fact]
    public void ItemResponse_MinimalItem_KeepsDecimalStringExactly()
    {
        var detail = EbayMapping.ToDetail(Read<EbayItem>("item_minimal.json"), "EBAY_DE");
        Assert.Equal(15.5m, detail.Price.Value);
        Assert.Equal("EUR", detail.Price.Currency);
        Assert.Null(detail.Description);
        Assert.Empty(detail.Aspects);
        Assert.Null(detail.Availability);
    }

    [Fact]
    public void ErrorResponse_QuotaError_ReadsErrorIdAndMessage()
    {
        var error = Read<EbayErrorResponse>("error_quota.json").Errors![0];
        Assert.Equal(2001, error.ErrorId);
        Assert.Equal("ACCESS", error.Domain);
        Assert.StartsWith("Too many requests", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_PriceNotADecimal_IsRejected()
    {
        var bad = new EbayItemSummary { ItemId = "v1|1|0", Price = new EbayAmount("12,50", "EUR") };
        Assert.Throws<FormatException>(() => EbayMapping.ToSummary(bad, "EBAY_DE"));
    }
}

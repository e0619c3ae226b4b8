using System.Globalization;
using Crawler.Marketplaces;

namespace Crawler.Ebay;

/// <summary>Turns eBay's wire records into the crawler's model (decimal-string prices parsed invariantly).</summary>
internal static class EbayMapping
{
    public static ListingSummary ToSummary(EbayItemSummary item, string marketplace)
    {
        if (item.ItemId is null || item.Price is null)
        {
            throw new FormatException("an item summary lacks itemId or price");
        }

        return new ListingSummary
        {
            ItemId = item.ItemId,
            Title = item.Title ?? "",
            Price = ToMoney(item.Price, marketplace),
            Shipping = CheapestShipping(item.ShippingOptions, marketplace),
            Condition = item.Condition,
            ConditionId = item.ConditionId,
            Seller = item.Seller?.Username,
            SellerFeedbackPercentage = ParseDecimal(item.Seller?.FeedbackPercentage),
            SellerFeedbackScore = item.Seller?.FeedbackScore,
            ItemWebUrl = item.ItemWebUrl,
            ImageUrl = item.Image?.ImageUrl,
            BuyingOptions = item.BuyingOptions ?? [],
            Country = item.ItemLocation?.Country,
            Categories = item.Categories?.Select(c => c.CategoryName ?? c.CategoryId ?? "").Where(c => c.Length > 0).ToArray() ?? [],
            CreatedAt = ParseDate(item.ItemCreationDate),
            EndsAt = ParseDate(item.ItemEndDate),
        };
    }

    public static ItemDetail ToDetail(EbayItem item, string marketplace)
    {
        if (item.ItemId is null || item.Price is null)
        {
            throw new FormatException("an item lacks itemId or price");
        }

        var availability = item.EstimatedAvailabilities?.FirstOrDefault();
        return new ItemDetail
        {
            ItemId = item.ItemId,
            Price = ToMoney(item.Price, marketplace),
            Shipping = CheapestShipping(item.ShippingOptions, marketplace),
            Description = item.Description ?? item.ShortDescription,
            Aspects = item.LocalizedAspects?.Where(a => a.Name is not null).Select(a => new ItemAspect(a.Name!, a.Value ?? "")).ToArray() ?? [],
            Brand = item.Brand,
            Mpn = item.Mpn,
            Gtin = item.Gtin,
            CategoryPath = item.CategoryPath,
            Availability = availability?.EstimatedAvailabilityStatus,
            AvailableQuantity = availability?.EstimatedAvailableQuantity,
            EndsAt = ParseDate(item.ItemEndDate),
        };
    }

    public static Money ToMoney(EbayAmount amount, string marketplace)
    {
        var value = ParseDecimal(amount.Value) ?? throw new FormatException("a price has no value");
        return new Money(value, amount.Currency ?? KnownMarketplaces.CurrencyOf(marketplace));
    }

    private static Money? CheapestShipping(IReadOnlyList<EbayShippingOption>? options, string marketplace)
        => options?
            .Where(o => o.ShippingCost?.Value is not null)
            .Select(o => ToMoney(o.ShippingCost!, marketplace))
            .OrderBy(m => m.Value)
            .FirstOrDefault();

    private static decimal? ParseDecimal(string? value)
        => value is null ? null
            : decimal.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : throw new FormatException($"'{value}' is not a decimal number");

    private static DateTimeOffset? ParseDate(string? value)
        => value is null ? null : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

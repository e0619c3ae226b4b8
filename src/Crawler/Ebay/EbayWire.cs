using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crawler.Ebay;

// The wire shapes of eBay's Browse API (OpenAPI "buy_browse_v1"), limited to the fields the crawler reads.
// The simulator serializes the same records, so both sides agree by construction and the fixtures pin them to the spec.

/// <summary>JSON settings of the eBay wire format (camelCase, nulls omitted).</summary>
internal static class EbayJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

internal sealed record EbayAmount(string? Value, string? Currency);

internal sealed record EbaySeller(string? Username, string? FeedbackPercentage, int? FeedbackScore);

internal sealed record EbayImage(string? ImageUrl);

internal sealed record EbayLocation(string? Country, string? PostalCode, string? City);

internal sealed record EbayShippingOption(EbayAmount? ShippingCost, string? ShippingCostType);

internal sealed record EbayCategory(string? CategoryId, string? CategoryName);

internal sealed record EbayItemSummary
{
    public string? ItemId { get; init; }

    public string? LegacyItemId { get; init; }

    public string? Title { get; init; }

    public EbayAmount? Price { get; init; }

    public string? Condition { get; init; }

    public string? ConditionId { get; init; }

    public EbaySeller? Seller { get; init; }

    public string? ItemWebUrl { get; init; }

    public EbayImage? Image { get; init; }

    public IReadOnlyList<string>? BuyingOptions { get; init; }

    public EbayLocation? ItemLocation { get; init; }

    public IReadOnlyList<EbayShippingOption>? ShippingOptions { get; init; }

    public IReadOnlyList<EbayCategory>? Categories { get; init; }

    public string? ItemCreationDate { get; init; }

    public string? ItemEndDate { get; init; }
}

internal sealed record EbaySearchResponse
{
    public string? Href { get; init; }

    public int Total { get; init; }

    public int Limit { get; init; }

    public int Offset { get; init; }

    public string? Next { get; init; }

    public string? Prev { get; init; }

    public IReadOnlyList<EbayItemSummary>? ItemSummaries { get; init; }
}

internal sealed record EbayAspect(string? Type, string? Name, string? Value);

internal sealed record EbayAvailability(string? EstimatedAvailabilityStatus, int? EstimatedAvailableQuantity);

internal sealed record EbayItem
{
    public string? ItemId { get; init; }

    public string? Title { get; init; }

    public EbayAmount? Price { get; init; }

    public string? Condition { get; init; }

    public string? ConditionId { get; init; }

    public string? Description { get; init; }

    public string? ShortDescription { get; init; }

    public IReadOnlyList<EbayAspect>? LocalizedAspects { get; init; }

    public string? Brand { get; init; }

    public string? Mpn { get; init; }

    public string? Gtin { get; init; }

    public string? CategoryPath { get; init; }

    public IReadOnlyList<EbayAvailability>? EstimatedAvailabilities { get; init; }

    public IReadOnlyList<EbayShippingOption>? ShippingOptions { get; init; }

    public EbaySeller? Seller { get; init; }

    public string? ItemEndDate { get; init; }
}

internal sealed record EbayError
{
    public int ErrorId { get; init; }

    public string? Domain { get; init; }

    public string? Category { get; init; }

    public string? Message { get; init; }

    public string? LongMessage { get; init; }

    public IReadOnlyList<EbayErrorParameter>? Parameters { get; init; }
}

internal sealed record EbayErrorParameter(string? Name, string? Value);

internal sealed record EbayErrorResponse(IReadOnlyList<EbayError>? Errors);

internal sealed record EbayToken
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; init; }
}

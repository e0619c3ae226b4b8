namespace Crawler.Marketplaces;

/// <summary>An item's details (the fields the crawler stores from an item lookup).</summary>
internal sealed record ItemDetail
{
    public required string ItemId { get; init; }

    public required Money Price { get; init; }

    public Money? Shipping { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<ItemAspect> Aspects { get; init; } = [];

    public string? Brand { get; init; }

    public string? Mpn { get; init; }

    public string? Gtin { get; init; }

    public string? CategoryPath { get; init; }

    /// <summary>IN_STOCK, LIMITED_STOCK or OUT_OF_STOCK, when known.</summary>
    public string? Availability { get; init; }

    public int? AvailableQuantity { get; init; }

    public DateTimeOffset? EndsAt { get; init; }
}

/// <summary>One localized item aspect (name and value).</summary>
internal sealed record ItemAspect(string Name, string Value);

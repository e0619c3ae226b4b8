using System.Globalization;

namespace Crawler.Simulator;

/// <summary>A validated Browse search of the simulator (the query string parsed as eBay reads it).</summary>
internal sealed record SimSearch
{
    public required string[] Words { get; init; }

    public decimal? MinPrice { get; init; }

    public decimal? MaxPrice { get; init; }

    public string[] ConditionIds { get; init; } = [];

    public string[] BuyingOptions { get; init; } = [];

    public string? Sort { get; init; }

    public int Limit { get; init; } = 50;

    public int Offset { get; init; }

    /// <summary>Key of the result set (all but paging).</summary>
    public string ResultKey => string.Join(' ', Words) + "|" + MinPrice + ".." + MaxPrice + "|" + string.Join(',', ConditionIds) + "|" + string.Join(',', BuyingOptions) + "|" + Sort;

    /// <summary>Parses q/filter/sort/limit/offset; an invalid one gives eBay's errorId and message.</summary>
    public static (SimSearch? Search, SimError? Error) Parse(string? q, string? filter, string? sort, string? limit, string? offset, string currency)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return (null, new SimError(400, 12001, "The call must have a valid 'q', 'category_ids', 'epid' or 'gtin' query parameter."));
        }

        var pageSize = 50;
        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize))
            {
                return (null, new SimError(400, 12007, "The 'limit' value must be an integer value."));
            }

            if (pageSize is < 1 or > 200)
            {
                return (null, new SimError(400, 12006, "The 'limit' value should be between 1 and 200 (inclusive)."));
            }
        }

        var start = 0;
        if (offset is not null)
        {
            if (!int.TryParse(offset, NumberStyles.Integer, CultureInfo.InvariantCulture, out start))
            {
                return (null, new SimError(400, 12005, "The 'offset' value must be an integer."));
            }

            if (start < 0)
            {
                return (null, new SimError(400, 12004, "The 'offset' value cannot be negative."));
            }

            if (start > 10_000 || start % pageSize != 0)
            {
                return (null, new SimError(400, 12005, "The 'offset' value must be a multiple of 'limit' and at most 10000."));
            }
        }

        if (sort is not null && sort is not ("price" or "-price" or "newlyListed" or "endingSoonest"))
        {
            return (null, new SimError(400, 12008, "The 'sort' value is invalid. For the valid values, refer to the API call documentation."));
        }

        var search = new SimSearch
        {
            Words = [.. MarketplaceCatalog.Words(q).Order(StringComparer.Ordinal)],
            Sort = sort,
            Limit = pageSize,
            Offset = start,
        };
        return filter is null ? (search, null) : ApplyFilter(search, filter, currency);
    }

    private static (SimSearch? Search, SimError? Error) ApplyFilter(SimSearch search, string filter, string currency)
    {
        string? priceCurrency = null;
        var hasPrice = false;
        foreach (var part in SplitFilter(filter))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return (null, Invalid(part));
            }

            var name = part[..colon].Trim();
            var value = part[(colon + 1)..].Trim();
            switch (name)
            {
                case "price":
                    if (!TryParseRange(value, out var min, out var max))
                    {
                        return (null, Invalid("price"));
                    }

                    search = search with { MinPrice = min, MaxPrice = max };
                    hasPrice = true;
                    break;
                case "priceCurrency":
                    priceCurrency = value;
                    break;
                case "conditionIds":
                    if (!TryParseSet(value, out var ids) || ids.Any(id => !int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                    {
                        return (null, Invalid("conditionIds"));
                    }

                    search = search with { ConditionIds = ids };
                    break;
                case "buyingOptions":
                    if (!TryParseSet(value, out var options) || options.Any(o => o is not ("FIXED_PRICE" or "AUCTION" or "BEST_OFFER")))
                    {
                        return (null, Invalid("buyingOptions"));
                    }

                    search = search with { BuyingOptions = options };
                    break;
                default:
                    return (null, Invalid(name));
            }
        }

        if (hasPrice && priceCurrency is null)
        {
            return (null, new SimError(400, 12012, "A valid 'price' filter and a valid 'priceCurrency' filter is necessary to filter based on price."));
        }

        if (priceCurrency is not null && priceCurrency != currency)
        {
            return (null, Invalid("priceCurrency"));
        }

        return (search, null);
    }

    private static SimError Invalid(string filterName)
        => new(400, 12002, $"The {filterName} value is invalid. For the valid values, refer to the API call documentation.");

    private static IEnumerable<string> SplitFilter(string filter)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < filter.Length; i++)
        {
            switch (filter[i])
            {
                case '[' or '{':
                    depth++;
                    break;
                case ']' or '}':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return filter[start..i];
                    start = i + 1;
                    break;
            }
        }

        if (start < filter.Length)
        {
            yield return filter[start..];
        }
    }

    private static bool TryParseRange(string value, out decimal? min, out decimal? max)
    {
        min = max = null;
        if (value.Length < 4 || value[0] != '[' || value[^1] != ']')
        {
            return false;
        }

        var bounds = value[1..^1].Split("..");
        if (bounds.Length != 2)
        {
            return false;
        }

        if (bounds[0].Length > 0)
        {
            if (!decimal.TryParse(bounds[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var low))
            {
                return false;
            }

            min = low;
        }

        if (bounds[1].Length > 0)
        {
            if (!decimal.TryParse(bounds[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var high))
            {
                return false;
            }

            max = high;
        }

        return (min is not null || max is not null) && !(min > max);
    }

    private static bool TryParseSet(string value, out string[] items)
    {
        items = [];
        if (value.Length < 3 || value[0] != '{' || value[^1] != '}')
        {
            return false;
        }

        items = value[1..^1].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0;
    }
}

/// <summary>An error the simulator answers with (eBay's error shape).</summary>
internal sealed record SimError(int Status, int ErrorId, string Message);

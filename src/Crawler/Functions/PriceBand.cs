using System.Globalization;

namespace Crawler.Functions;

/// <summary>A price range of a search (bounds inclusive, null for open); large result sets are split into bands.</summary>
internal sealed record PriceBand(decimal? Min, decimal? Max)
{
    /// <summary>Step-name label, e.g. <c>10.00-19.99</c> or <c>*-*</c>.</summary>
    public string Label => $"{Format(Min)}-{Format(Max)}";

    /// <summary>Whether the band is wide enough to halve (at least two cents).</summary>
    public bool CanSplit => Max is { } max && max - (Min ?? 0) >= 0.02m;

    /// <summary>The two halves: [min, mid] and [mid + 0.01, max].</summary>
    public (PriceBand Low, PriceBand High) Split()
    {
        var min = Min ?? 0;
        var mid = Math.Floor((min + Max!.Value) / 2 * 100) / 100;
        return (new PriceBand(min, mid), new PriceBand(mid + 0.01m, Max));
    }

    private static string Format(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "*";
}

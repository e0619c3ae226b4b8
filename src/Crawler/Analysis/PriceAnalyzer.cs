using Crawler.Listings;

namespace Crawler.Analysis;

/// <summary>
/// Computes landed-price statistics per marketplace × condition: count, min/max, mean, median, p10/p20/p80/p90
/// (linear interpolation between closest ranks), IQR (1.5×) outliers, and a deal flag per listing (at or below
/// p20 and not an outlier). Prices are converted to the base currency first, rounded to cents.
/// </summary>
internal static class PriceAnalyzer
{
    /// <summary>Groups <paramref name="listings"/> and analyses each group; <paramref name="analysisId"/> (unique per analysis, increasing) prefixes the group ids.</summary>
    public static IReadOnlyList<GroupAnalysis> Analyze(
        string analysisId,
        string watchlistId,
        IEnumerable<StoredListing> listings,
        ExchangeRates rates,
        string baseCurrency,
        DateTimeOffset now,
        Func<string, string, GroupAnalysis?> previous,
        int histogramBins = 20)
    {
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(previous);
        var results = new List<GroupAnalysis>();
        foreach (var group in listings.GroupBy(l => (l.Marketplace, Condition: l.Condition ?? "Unknown")).OrderBy(g => g.Key.Marketplace, StringComparer.Ordinal).ThenBy(g => g.Key.Condition, StringComparer.Ordinal))
        {
            var currency = group.First().Currency;
            var (rate, rateDate) = rates.Rate(currency, baseCurrency, DateOnly.FromDateTime(now.UtcDateTime));
            var priced = group
                .Select(l => (Listing: l, Base: Math.Round(RateFor(l, currency, rate, rates, baseCurrency, now) * l.Landed, 2)))
                .OrderBy(p => p.Base)
                .ThenBy(p => p.Listing.ItemId, StringComparer.Ordinal)
                .ToArray();
            var values = priced.Select(p => p.Base).ToArray();
            var stats = Statistics(values);
            var scored = priced.Select(p =>
            {
                var outlier = p.Base < stats.LowerFence || p.Base > stats.UpperFence;
                return new ScoredListing
                {
                    Marketplace = p.Listing.Marketplace,
                    ItemId = p.Listing.ItemId,
                    Title = p.Listing.Title,
                    Landed = p.Listing.Landed,
                    Currency = p.Listing.Currency,
                    LandedBase = p.Base,
                    Percentile = UpperBound(values, p.Base) / (double)values.Length,
                    RatioToMedian = stats.Median == 0 ? 1 : (double)(p.Base / stats.Median),
                    IsDeal = p.Base <= stats.P20 && !outlier,
                    IsOutlier = outlier,
                    ItemUrl = p.Listing.ItemUrl,
                };
            }).ToArray();
            stats = stats with { Outliers = scored.Count(s => s.IsOutlier), Deals = scored.Count(s => s.IsDeal) };
            var before = previous(group.Key.Marketplace, group.Key.Condition);
            results.Add(new GroupAnalysis
            {
                Id = $"{analysisId}:{group.Key.Marketplace}:{group.Key.Condition}",
                WatchlistId = watchlistId,
                Marketplace = group.Key.Marketplace,
                Condition = group.Key.Condition,
                ComputedAt = now,
                BaseCurrency = baseCurrency,
                RateDate = rateDate,
                Rate = rate,
                Stats = stats,
                Histogram = Histogram(values, histogramBins),
                Change = before is null ? null : new AnalysisChange(
                    before.Id,
                    before.ComputedAt,
                    stats.Count - before.Stats.Count,
                    stats.Median - before.Stats.Median,
                    before.Stats.Median == 0 ? null : Math.Round((stats.Median - before.Stats.Median) / before.Stats.Median * 100, 2),
                    stats.Mean - before.Stats.Mean),
                Listings = scored,
            });
        }

        return results;
    }

    /// <summary>The statistics of sorted <paramref name="sorted"/> values (empty gives zeros).</summary>
    public static PriceStats Statistics(IReadOnlyList<decimal> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return new PriceStats();
        }

        var q1 = Percentile(sorted, 0.25m);
        var q3 = Percentile(sorted, 0.75m);
        var iqr = q3 - q1;
        return new PriceStats
        {
            Count = sorted.Count,
            Min = sorted[0],
            Max = sorted[^1],
            Mean = Math.Round(sorted.Sum() / sorted.Count, 4),
            Median = Percentile(sorted, 0.5m),
            P10 = Percentile(sorted, 0.1m),
            P20 = Percentile(sorted, 0.2m),
            P80 = Percentile(sorted, 0.8m),
            P90 = Percentile(sorted, 0.9m),
            Q1 = q1,
            Q3 = q3,
            LowerFence = q1 - (1.5m * iqr),
            UpperFence = q3 + (1.5m * iqr),
        };
    }

    /// <summary>The <paramref name="p"/>-quantile of sorted values: linear interpolation at rank p × (n − 1).</summary>
    public static decimal Percentile(IReadOnlyList<decimal> sorted, decimal p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return Math.Round(sorted[low] + ((rank - low) * (sorted[high] - sorted[low])), 4);
    }

    private static decimal RateFor(StoredListing listing, string groupCurrency, decimal groupRate, ExchangeRates rates, string baseCurrency, DateTimeOffset now)
        => listing.Currency == groupCurrency ? groupRate : rates.Rate(listing.Currency, baseCurrency, DateOnly.FromDateTime(now.UtcDateTime)).Rate;

    /// <summary>How many sorted values are at or below <paramref name="value"/>.</summary>
    private static int UpperBound(decimal[] sorted, decimal value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (sorted[mid] <= value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static HistogramBin[] Histogram(decimal[] sorted, int bins)
    {
        if (sorted.Length == 0)
        {
            return [];
        }

        // Bars span p1..p99 so one extreme listing does not squash the chart; the ends collect the rest.
        var from = Percentile(sorted, 0.01m);
        var to = Percentile(sorted, 0.99m);
        if (to <= from)
        {
            return [new HistogramBin(sorted[0], sorted[^1], sorted.Length)];
        }

        var width = (to - from) / bins;
        var counts = new int[bins];
        foreach (var value in sorted)
        {
            var index = (int)Math.Floor((value - from) / width);
            counts[Math.Clamp(index, 0, bins - 1)]++;
        }

        return [.. Enumerable.Range(0, bins).Select(i => new HistogramBin(Math.Round(from + (i * width), 2), Math.Round(from + ((i + 1) * width), 2), counts[i]))];
    }
}

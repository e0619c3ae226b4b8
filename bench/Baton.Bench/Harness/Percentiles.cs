using System.Globalization;

namespace Baton.Bench.Harness;

/// <summary>Nearest-rank percentiles of a sample.</summary>
internal sealed record Percentiles(int Count, double Mean, double P50, double P90, double P99, double Max)
{
    public static Percentiles Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        var sorted = values.Order().ToArray();
        return new Percentiles(sorted.Length, sorted.Average(), Rank(sorted, 50), Rank(sorted, 90), Rank(sorted, 99), sorted[^1]);
    }

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"n={Count} mean {Mean:F2} p50 {P50:F2} p90 {P90:F2} p99 {P99:F2} max {Max:F2} ms");

    private static double Rank(double[] sorted, double percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

using System.Globalization;

namespace Baton.AspNetCore.Dashboard;

/// <summary>The query of <c>GET /api/v1/stats</c>.</summary>
/// <param name="FunctionId">Only this function (null: all).</param>
/// <param name="Minutes">How many minutes back, ending with the current bucket.</param>
internal sealed record StatsQuery(string? FunctionId, int Minutes)
{
    /// <summary>Longest window: 7 days.</summary>
    public const int MaxMinutes = 7 * 24 * 60;

    /// <summary>Most points a window is split into; the bucket is the narrowest of <see cref="BucketMinutes"/> that keeps within it.</summary>
    private const int MaxPoints = 120;

    private static readonly int[] BucketMinutes = [1, 2, 5, 10, 15, 30, 60, 120];

    /// <summary>Reads <c>function</c> and <c>minutes</c>; a bad value throws <see cref="ArgumentException"/> naming it.</summary>
    public static StatsQuery Parse(IQueryCollection query)
    {
        var function = Single(query, "function");
        var text = Single(query, "minutes");
        var minutes = 60;
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes < 1 || minutes > MaxMinutes))
        {
            throw new ArgumentException($"'minutes' must be a whole number from 1 to {MaxMinutes}: '{text}'", "minutes");
        }

        return new StatsQuery(function, minutes);
    }

    /// <summary>
    /// The store query: buckets aligned to whole multiples of their width (UTC), the last one holding <paramref name="now"/>,
    /// enough of them to cover <see cref="Minutes"/>.
    /// </summary>
    public RunStatsQuery ToRunStatsQuery(DateTimeOffset now)
    {
        var width = BucketMinutes.FirstOrDefault(m => (Minutes + m - 1) / m <= MaxPoints, BucketMinutes[^1]);
        var bucket = TimeSpan.FromMinutes(width);
        var count = (Minutes + width - 1) / width;
        var bucketMs = (long)bucket.TotalMilliseconds;
        var current = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds() / bucketMs * bucketMs);
        return new RunStatsQuery { FunctionId = FunctionId, From = current - (bucket * (count - 1)), To = current + bucket, Bucket = bucket };
    }

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            throw new ArgumentException($"'{name}' is given {values.Count} times", name);
        }

        return values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0];
    }
}

using System.Globalization;

namespace Baton.AspNetCore.Dashboard;

/// <summary>The query of <c>GET /api/v1/stats</c>.</summary>
/// <param name="FunctionId">Only this function (null: all).</param>
/// <param name="Minutes">How many minutes back, ending with the current one.</param>
internal sealed record StatsQuery(string? FunctionId, int Minutes)
{
    /// <summary>Reads <c>function</c> and <c>minutes</c>; a bad value throws <see cref="ArgumentException"/> naming it.</summary>
    public static StatsQuery Parse(IQueryCollection query)
    {
        var function = Single(query, "function");
        var text = Single(query, "minutes");
        var minutes = 60;
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes < 1 || minutes > ThroughputStats.MaxMinutes))
        {
            throw new ArgumentException($"'minutes' must be a whole number from 1 to {ThroughputStats.MaxMinutes}: '{text}'", "minutes");
        }

        return new StatsQuery(function, minutes);
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

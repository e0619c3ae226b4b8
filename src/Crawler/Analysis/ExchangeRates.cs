using System.Globalization;

namespace Crawler.Analysis;

/// <summary>
/// A dated exchange-rate table: on each date, US dollars per unit of each currency. A conversion on a day uses the
/// latest table dated on or before it; any currency of the table can be the base.
/// </summary>
internal sealed class ExchangeRates
{
    private readonly SortedDictionary<DateOnly, Dictionary<string, decimal>> _tables = [];

    public ExchangeRates(IReadOnlyDictionary<DateOnly, IReadOnlyDictionary<string, decimal>> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Count == 0)
        {
            throw new ArgumentException("The exchange-rate table is empty", nameof(tables));
        }

        foreach (var (date, rates) in tables)
        {
            var table = new Dictionary<string, decimal>(rates, StringComparer.Ordinal) { ["USD"] = 1m };
            if (table.FirstOrDefault(r => r.Value <= 0) is { Key: not null } bad)
            {
                throw new ArgumentException($"Rate of {bad.Key} on {date:yyyy-MM-dd} must be positive", nameof(tables));
            }

            _tables[date] = table;
        }
    }

    /// <summary>The built-in table (used unless configuration gives one).</summary>
    public static ExchangeRates Default { get; } = new(new Dictionary<DateOnly, IReadOnlyDictionary<string, decimal>>
    {
        [new DateOnly(2026, 1, 1)] = new Dictionary<string, decimal> { ["GBP"] = 1.27m, ["EUR"] = 1.09m, ["AUD"] = 0.66m, ["CAD"] = 0.73m },
        [new DateOnly(2026, 7, 1)] = new Dictionary<string, decimal> { ["GBP"] = 1.29m, ["EUR"] = 1.12m, ["AUD"] = 0.67m, ["CAD"] = 0.74m },
    });

    /// <summary>Reads <c>{ "2026-01-01": { "GBP": 1.27, … }, … }</c> from configuration.</summary>
    public static ExchangeRates FromConfiguration(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var tables = new Dictionary<DateOnly, IReadOnlyDictionary<string, decimal>>();
        foreach (var day in section.GetChildren())
        {
            if (!DateOnly.TryParseExact(day.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new ArgumentException($"Crawler:Rates: '{day.Key}' is not a yyyy-MM-dd date", nameof(section));
            }

            var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var rate in day.GetChildren())
            {
                if (!decimal.TryParse(rate.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
                {
                    throw new ArgumentException($"Crawler:Rates:{day.Key}:{rate.Key}: '{rate.Value}' is not a number", nameof(section));
                }

                rates[rate.Key] = value;
            }

            tables[date] = rates;
        }

        return tables.Count == 0 ? Default : new ExchangeRates(tables);
    }

    /// <summary>Units of <paramref name="baseCurrency"/> per unit of <paramref name="currency"/> on <paramref name="on"/>, with the table's date.</summary>
    public (decimal Rate, DateOnly TableDate) Rate(string currency, string baseCurrency, DateOnly on)
    {
        var candidates = _tables.Where(t => t.Key <= on).Reverse().Concat(_tables.Where(t => t.Key > on));
        foreach (var (date, table) in candidates)
        {
            if (table.TryGetValue(currency, out var usdPerUnit) && table.TryGetValue(baseCurrency, out var usdPerBase))
            {
                return (currency == baseCurrency ? 1m : Math.Round(usdPerUnit / usdPerBase, 6), date);
            }
        }

        throw new ArgumentException($"No exchange rate from {currency} to {baseCurrency}", nameof(currency));
    }
}

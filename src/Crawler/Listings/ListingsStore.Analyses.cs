using System.Globalization;
using System.Text.Json;
using Crawler.Analysis;

namespace Crawler.Listings;

internal sealed partial class ListingsStore
{
    /// <summary>Stores analyses with their scored listings (again for the same ids changes nothing).</summary>
    public Task SaveAnalysesAsync(IReadOnlyList<GroupAnalysis> analyses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(analyses);
        return InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var analysis in analyses)
            {
                var stats = JsonSerializer.Serialize(new StoredStats(analysis.Stats, analysis.Histogram, analysis.Change, analysis.Rate));
                using (var insert = connection.Command("""
                    INSERT INTO crawler_analyses (id, watchlist_id, marketplace, condition, computed_at, base_currency, rate_date, stats)
                    VALUES (@id, @w, @m, @c, @t, @b, @d, @s) ON CONFLICT (id) DO NOTHING
                    """, transaction)
                    .With("@id", analysis.Id).With("@w", analysis.WatchlistId).With("@m", analysis.Marketplace).With("@c", analysis.Condition)
                    .With("@t", analysis.ComputedAt.Ms()).With("@b", analysis.BaseCurrency).With("@d", analysis.RateDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).With("@s", stats))
                {
                    if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        continue;
                    }
                }

                foreach (var listing in analysis.Listings)
                {
                    using var row = connection.Command("""
                        INSERT INTO crawler_analysis_listings (analysis_id, marketplace, item_id, title, landed, currency, landed_base, percentile, ratio_to_median, is_deal, is_outlier)
                        VALUES (@a, @m, @id, @title, @landed, @cur, @base, @pct, @ratio, @deal, @out)
                        """, transaction)
                        .With("@a", analysis.Id).With("@m", listing.Marketplace).With("@id", listing.ItemId).With("@title", listing.Title)
                        .With("@landed", listing.Landed).With("@cur", listing.Currency).With("@base", listing.LandedBase)
                        .With("@pct", listing.Percentile).With("@ratio", listing.RatioToMedian).With("@deal", listing.IsDeal ? 1L : 0L).With("@out", listing.IsOutlier ? 1L : 0L);
                    await row.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>The latest analysis of each marketplace × condition of a watchlist (without listings).</summary>
    public async Task<IReadOnlyList<GroupAnalysis>> LatestAnalysesAsync(string watchlistId, CancellationToken cancellationToken = default)
        => [.. (await AnalysisHistoryAsync(watchlistId, cancellationToken).ConfigureAwait(false))
            .GroupBy(a => (a.Marketplace, a.Condition))
            .Select(g => g.Last())
            .OrderBy(a => a.Marketplace, StringComparer.Ordinal)
            .ThenBy(a => a.Condition, StringComparer.Ordinal)];

    /// <summary>Every analysis of a watchlist, oldest first (ties in time by id: later runs have greater ids), without listings.</summary>
    public Task<IReadOnlyList<GroupAnalysis>> AnalysisHistoryAsync(string watchlistId, CancellationToken cancellationToken = default)
        => ReadAsync<IReadOnlyList<GroupAnalysis>>(async connection =>
        {
            using var select = connection.Command("""
                SELECT id, watchlist_id, marketplace, condition, computed_at, base_currency, rate_date, stats FROM crawler_analyses
                WHERE watchlist_id = @w ORDER BY computed_at, id
                """).With("@w", watchlistId);
            return await ReadAnalysesAsync(select, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The scored listings of one analysis (deals only, or all), cheapest first.</summary>
    public Task<IReadOnlyList<ScoredListing>> AnalysisListingsAsync(string analysisId, bool dealsOnly, CancellationToken cancellationToken = default)
        => ReadAsync<IReadOnlyList<ScoredListing>>(async connection =>
        {
            using var select = connection.Command("""
                SELECT a.marketplace, a.item_id, a.title, a.landed, a.currency, a.landed_base, a.percentile, a.ratio_to_median, a.is_deal, a.is_outlier, l.item_url
                FROM crawler_analysis_listings a LEFT JOIN crawler_listings l ON l.marketplace = a.marketplace AND l.item_id = a.item_id
                WHERE a.analysis_id = @a
                """ + (dealsOnly ? " AND a.is_deal = 1" : "") + " ORDER BY a.landed_base, a.item_id").With("@a", analysisId);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var list = new List<ScoredListing>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new ScoredListing
                    {
                        Marketplace = reader.GetString(0),
                        ItemId = reader.GetString(1),
                        Title = reader.GetString(2),
                        Landed = reader.GetDecimal(3),
                        Currency = reader.GetString(4),
                        LandedBase = reader.GetDecimal(5),
                        Percentile = reader.GetDouble(6),
                        RatioToMedian = reader.GetDouble(7),
                        IsDeal = reader.GetInt64(8) == 1,
                        IsOutlier = reader.GetInt64(9) == 1,
                        ItemUrl = reader.NullableString(10),
                    });
                }

                return list;
            }
        }, cancellationToken);

    /// <summary>The current deals of a watchlist: deal listings of its latest analyses, cheapest (in base currency) first.</summary>
    public async Task<IReadOnlyList<ScoredListing>> DealsAsync(string watchlistId, CancellationToken cancellationToken = default)
    {
        var deals = new List<ScoredListing>();
        foreach (var analysis in await LatestAnalysesAsync(watchlistId, cancellationToken).ConfigureAwait(false))
        {
            deals.AddRange(await AnalysisListingsAsync(analysis.Id, dealsOnly: true, cancellationToken).ConfigureAwait(false));
        }

        return [.. deals.OrderBy(d => d.Percentile).ThenBy(d => d.LandedBase).ThenBy(d => d.ItemId, StringComparer.Ordinal)];
    }

    private static async Task<IReadOnlyList<GroupAnalysis>> ReadAnalysesAsync(System.Data.Common.DbCommand select, CancellationToken cancellationToken)
    {
        var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var list = new List<GroupAnalysis>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var stored = JsonSerializer.Deserialize<StoredStats>(reader.GetString(7))!;
                list.Add(new GroupAnalysis
                {
                    Id = reader.GetString(0),
                    WatchlistId = reader.GetString(1),
                    Marketplace = reader.GetString(2),
                    Condition = reader.GetString(3),
                    ComputedAt = reader.Time(4),
                    BaseCurrency = reader.GetString(5),
                    RateDate = DateOnly.ParseExact(reader.GetString(6), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Rate = stored.Rate,
                    Stats = stored.Stats,
                    Histogram = stored.Histogram,
                    Change = stored.Change,
                });
            }

            return list;
        }
    }

    private sealed record StoredStats(PriceStats Stats, IReadOnlyList<HistogramBin> Histogram, AnalysisChange? Change, decimal Rate);
}

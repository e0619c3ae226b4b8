using System.Text.Json;
using Crawler.Marketplaces;

namespace Crawler.Listings;

internal sealed partial class ListingsStore
{
    /// <summary>Of <paramref name="ids"/>, those not ended whose details are missing or older than <paramref name="freshFor"/>.</summary>
    public Task<IReadOnlyList<string>> NeedingDetailsAsync(string marketplace, IReadOnlyList<string> ids, TimeSpan freshFor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var staleBefore = (Time.GetUtcNow() - freshFor).Ms();
        return ReadAsync<IReadOnlyList<string>>(async connection =>
        {
            var result = new List<string>();
            foreach (var chunk in ids.Distinct().Chunk(500))
            {
                var names = chunk.Select((_, i) => "@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                using var select = connection.Command($"""
                    SELECT item_id FROM crawler_listings
                    WHERE marketplace = @m AND ended_at IS NULL AND (enriched_at IS NULL OR enriched_at < @stale) AND item_id IN ({string.Join(", ", names)})
                    """).With("@m", marketplace).With("@stale", staleBefore);
                for (var i = 0; i < chunk.Length; i++)
                {
                    select.With(names[i], chunk[i]);
                }

                var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        result.Add(reader.GetString(0));
                    }
                }
            }

            // Keep the caller's order so the enrich steps are requested in the same order on replay.
            var found = result.ToHashSet(StringComparer.Ordinal);
            return ids.Distinct().Where(found.Contains).ToArray();
        }, cancellationToken);
    }

    /// <summary>Ids of a watchlist's live listings on a marketplace (for enrichment on demand).</summary>
    public Task<IReadOnlyList<string>> WatchlistItemIdsAsync(string watchlistId, string marketplace, CancellationToken cancellationToken = default)
        => ReadAsync<IReadOnlyList<string>>(async connection =>
        {
            using var select = connection.Command("""
                SELECT l.item_id FROM crawler_listing_watchlists w JOIN crawler_listings l ON l.marketplace = w.marketplace AND l.item_id = w.item_id
                WHERE w.watchlist_id = @w AND w.marketplace = @m AND l.ended_at IS NULL ORDER BY l.item_id
                """).With("@w", watchlistId).With("@m", marketplace);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var ids = new List<string>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetString(0));
                }

                return ids;
            }
        }, cancellationToken);

    /// <summary>Stores an item's details and its current price.</summary>
    public Task SaveDetailAsync(string marketplace, ItemDetail detail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var now = Time.GetUtcNow().Ms();
        return InTransactionAsync(async (connection, transaction) =>
        {
            using var update = connection.Command("""
                UPDATE crawler_listings SET description = @d, aspects = @a, brand = @b, mpn = @mpn, gtin = @gtin, category_path = @cat,
                    availability = @av, available_quantity = @q, enriched_at = @now, price = @price, shipping = COALESCE(@ship, shipping),
                    ends_at = COALESCE(@ends, ends_at)
                WHERE marketplace = @m AND item_id = @id
                """, transaction)
                .With("@d", detail.Description).With("@a", JsonSerializer.Serialize(detail.Aspects)).With("@b", detail.Brand).With("@mpn", detail.Mpn)
                .With("@gtin", detail.Gtin).With("@cat", detail.CategoryPath).With("@av", detail.Availability).With("@q", (long?)detail.AvailableQuantity)
                .With("@now", now).With("@price", detail.Price.Value).With("@ship", detail.Shipping?.Value).With("@ends", detail.EndsAt.Ms())
                .With("@m", marketplace).With("@id", detail.ItemId);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Marks a listing ended (the marketplace says it is gone).</summary>
    public Task MarkEndedAsync(string marketplace, string itemId, CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow().Ms();
        return InTransactionAsync(async (connection, transaction) =>
        {
            using var update = connection.Command("UPDATE crawler_listings SET ended_at = @now, availability = 'ENDED' WHERE marketplace = @m AND item_id = @id AND ended_at IS NULL", transaction)
                .With("@now", now).With("@m", marketplace).With("@id", itemId);
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>One listing, or null.</summary>
    public async Task<StoredListing?> GetListingAsync(string marketplace, string itemId, CancellationToken cancellationToken = default)
        => (await QueryListingsAsync("l.marketplace = @m AND l.item_id = @id", c => c.With("@m", marketplace).With("@id", itemId), cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>A watchlist's listings (all, or only those not ended), optionally on one marketplace.</summary>
    public Task<IReadOnlyList<StoredListing>> WatchlistListingsAsync(string watchlistId, bool activeOnly, string? marketplace = null, CancellationToken cancellationToken = default)
        => QueryListingsAsync(
            "EXISTS (SELECT 1 FROM crawler_listing_watchlists w WHERE w.watchlist_id = @w AND w.marketplace = l.marketplace AND w.item_id = l.item_id)"
                + (activeOnly ? " AND l.ended_at IS NULL" : "") + (marketplace is null ? "" : " AND l.marketplace = @m"),
            c => c.With("@w", watchlistId).With("@m", marketplace),
            cancellationToken);

    /// <summary>A listing's price history, oldest first.</summary>
    public Task<IReadOnlyList<PricePoint>> PriceHistoryAsync(string marketplace, string itemId, CancellationToken cancellationToken = default)
        => ReadAsync<IReadOnlyList<PricePoint>>(async connection =>
        {
            using var select = connection.Command("SELECT capture_id, observed_at, price, shipping, currency FROM crawler_price_history WHERE marketplace = @m AND item_id = @id ORDER BY observed_at, capture_id")
                .With("@m", marketplace).With("@id", itemId);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var points = new List<PricePoint>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    points.Add(new PricePoint(reader.GetString(0), reader.Time(1), reader.GetDecimal(2), reader.NullableDecimal(3), reader.GetString(4)));
                }

                return points;
            }
        }, cancellationToken);

    private Task<IReadOnlyList<StoredListing>> QueryListingsAsync(string where, Action<System.Data.Common.DbCommand> parameters, CancellationToken cancellationToken)
        => ReadAsync<IReadOnlyList<StoredListing>>(async connection =>
        {
            using var select = connection.Command($"""
                SELECT l.marketplace, l.item_id, l.title, l.price, l.currency, l.shipping, l.condition, l.condition_id, l.seller, l.item_url,
                    l.first_seen, l.last_seen, l.ended_at, l.description, l.brand, l.availability, l.enriched_at
                FROM crawler_listings l WHERE {where} ORDER BY l.marketplace, l.item_id
                """);
            parameters(select);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var list = new List<StoredListing>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new StoredListing
                    {
                        Marketplace = reader.GetString(0),
                        ItemId = reader.GetString(1),
                        Title = reader.GetString(2),
                        Price = reader.GetDecimal(3),
                        Currency = reader.GetString(4),
                        Shipping = reader.NullableDecimal(5),
                        Condition = reader.NullableString(6),
                        ConditionId = reader.NullableString(7),
                        Seller = reader.NullableString(8),
                        ItemUrl = reader.NullableString(9),
                        FirstSeen = reader.Time(10),
                        LastSeen = reader.Time(11),
                        EndedAt = reader.NullableTime(12),
                        Description = reader.NullableString(13),
                        Brand = reader.NullableString(14),
                        Availability = reader.NullableString(15),
                        EnrichedAt = reader.NullableTime(16),
                    });
                }

                return list;
            }
        }, cancellationToken);
}

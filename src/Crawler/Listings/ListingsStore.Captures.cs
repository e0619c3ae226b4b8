using System.Data.Common;
using Crawler.Marketplaces;

namespace Crawler.Listings;

internal sealed partial class ListingsStore
{
    /// <summary>Records that a capture started (once: a second call returns the first start time).</summary>
    public Task<DateTimeOffset> BeginCaptureAsync(string captureId, string watchlistId, string marketplace, string query, CancellationToken cancellationToken = default)
        => InTransactionAsync(async (connection, transaction) =>
        {
            using (var insert = connection.Command("""
                INSERT INTO crawler_captures (id, watchlist_id, marketplace, query, started_at, pages, listings, new_count, changed_count, ended_count)
                VALUES (@id, @w, @m, @q, @t, 0, 0, 0, 0, 0)
                ON CONFLICT (id) DO NOTHING
                """, transaction).With("@id", captureId).With("@w", watchlistId).With("@m", marketplace).With("@q", query).With("@t", Time.GetUtcNow().Ms()))
            {
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var select = connection.Command("SELECT started_at FROM crawler_captures WHERE id = @id", transaction).With("@id", captureId);
            return DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture));
        }, cancellationToken);

    /// <summary>
    /// Stores one result page: inserts new listings, updates known ones (a price or shipping change adds a price
    /// history row), links them to the watchlist and clears an earlier end. Returns the ids that are new in this
    /// capture and those whose price changed in it; running it again for the same capture gives the same answer.
    /// </summary>
    public Task<PageChanges> UpsertPageAsync(string captureId, string watchlistId, string marketplace, IReadOnlyList<ListingSummary> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var now = Time.GetUtcNow().Ms();
        return InTransactionAsync(async (connection, transaction) =>
        {
            var known = await KnownAsync(connection, transaction, marketplace, items.Select(i => i.ItemId).Distinct().ToArray(), cancellationToken).ConfigureAwait(false);
            var newIds = new List<string>();
            var changedIds = new List<string>();
            foreach (var item in items.DistinctBy(i => i.ItemId))
            {
                var shipping = item.Shipping?.Value;
                bool recordPrice;
                if (!known.TryGetValue(item.ItemId, out var before))
                {
                    newIds.Add(item.ItemId);
                    recordPrice = true;
                }
                else if (before.FirstCapture == captureId)
                {
                    newIds.Add(item.ItemId);
                    recordPrice = false;
                }
                else if (before.Price != item.Price.Value || before.Shipping != shipping || before.PricedIn == captureId)
                {
                    changedIds.Add(item.ItemId);
                    recordPrice = before.PricedIn != captureId;
                }
                else
                {
                    recordPrice = false;
                }

                using (var upsert = connection.Command("""
                    INSERT INTO crawler_listings (marketplace, item_id, title, price, currency, shipping, shipping_currency, condition, condition_id,
                        seller, item_url, image_url, buying_options, country, listed_at, ends_at, first_seen, last_seen, ended_at, first_capture, last_capture)
                    VALUES (@m, @id, @title, @price, @cur, @ship, @shipcur, @cond, @condid, @seller, @url, @img, @buy, @country, @listed, @ends, @now, @now, NULL, @cap, @cap)
                    ON CONFLICT (marketplace, item_id) DO UPDATE SET
                        title = excluded.title, price = excluded.price, currency = excluded.currency, shipping = excluded.shipping,
                        shipping_currency = excluded.shipping_currency, condition = excluded.condition, condition_id = excluded.condition_id,
                        seller = excluded.seller, item_url = excluded.item_url, image_url = excluded.image_url, buying_options = excluded.buying_options,
                        country = excluded.country, listed_at = excluded.listed_at, ends_at = excluded.ends_at,
                        last_seen = excluded.last_seen, ended_at = NULL, ended_by = NULL, last_capture = excluded.last_capture
                    """, transaction)
                    .With("@m", marketplace).With("@id", item.ItemId).With("@title", item.Title).With("@price", item.Price.Value).With("@cur", item.Price.Currency)
                    .With("@ship", shipping).With("@shipcur", item.Shipping?.Currency).With("@cond", item.Condition).With("@condid", item.ConditionId)
                    .With("@seller", item.Seller).With("@url", item.ItemWebUrl).With("@img", item.ImageUrl).With("@buy", string.Join(',', item.BuyingOptions))
                    .With("@country", item.Country).With("@listed", item.CreatedAt.Ms()).With("@ends", item.EndsAt.Ms()).With("@now", now).With("@cap", captureId))
                {
                    await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (recordPrice)
                {
                    using var history = connection.Command("""
                        INSERT INTO crawler_price_history (marketplace, item_id, capture_id, observed_at, price, shipping, currency)
                        VALUES (@m, @id, @cap, @now, @price, @ship, @cur)
                        ON CONFLICT (marketplace, item_id, capture_id) DO NOTHING
                        """, transaction)
                        .With("@m", marketplace).With("@id", item.ItemId).With("@cap", captureId).With("@now", now)
                        .With("@price", item.Price.Value).With("@ship", shipping).With("@cur", item.Price.Currency);
                    await history.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var link = connection.Command("""
                    INSERT INTO crawler_listing_watchlists (watchlist_id, marketplace, item_id, last_capture) VALUES (@w, @m, @id, @cap)
                    ON CONFLICT (watchlist_id, marketplace, item_id) DO UPDATE SET last_capture = excluded.last_capture
                    """, transaction).With("@w", watchlistId).With("@m", marketplace).With("@id", item.ItemId).With("@cap", captureId);
                await link.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new PageChanges(newIds, changedIds);
        }, cancellationToken);
    }

    /// <summary>
    /// Ends the capture: listings of the watchlist on this marketplace that the capture did not see are marked
    /// ended (unless another capture saw them since it started). Returns the ids ended by this capture, the same when run again.
    /// </summary>
    public Task<IReadOnlyList<string>> FinishCaptureAsync(string captureId, string watchlistId, string marketplace, int pages, int listings, int newCount, int changedCount, CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow().Ms();
        return InTransactionAsync<IReadOnlyList<string>>(async (connection, transaction) =>
        {
            long started;
            using (var start = connection.Command("SELECT started_at FROM crawler_captures WHERE id = @id", transaction).With("@id", captureId))
            {
                started = Convert.ToInt64(await start.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }

            using (var mark = connection.Command("""
                UPDATE crawler_listings SET ended_at = @now, ended_by = @cap
                WHERE marketplace = @m AND ended_at IS NULL AND last_seen < @started AND item_id IN (
                    SELECT w.item_id FROM crawler_listing_watchlists w
                    WHERE w.watchlist_id = @w AND w.marketplace = @m AND w.last_capture <> @cap)
                """, transaction).With("@now", now).With("@cap", captureId).With("@m", marketplace).With("@started", started).With("@w", watchlistId))
            {
                await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Those this capture ended, whether in this call or in an earlier run of the same step.
            var ended = new List<string>();
            using (var select = connection.Command("SELECT item_id FROM crawler_listings WHERE marketplace = @m AND ended_by = @cap ORDER BY item_id", transaction)
                .With("@m", marketplace).With("@cap", captureId))
            {
                var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        ended.Add(reader.GetString(0));
                    }
                }
            }

            using var finish = connection.Command("""
                UPDATE crawler_captures SET finished_at = @now, pages = @p, listings = @l, new_count = @n, changed_count = @c, ended_count = @e WHERE id = @id
                """, transaction).With("@now", now).With("@p", (long)pages).With("@l", (long)listings).With("@n", (long)newCount).With("@c", (long)changedCount).With("@e", (long)ended.Count).With("@id", captureId);
            await finish.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return ended;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CaptureRecord>> ListCapturesAsync(string watchlistId, CancellationToken cancellationToken = default)
        => ReadAsync<IReadOnlyList<CaptureRecord>>(async connection =>
        {
            using var select = connection.Command("""
                SELECT id, watchlist_id, marketplace, started_at, finished_at, pages, listings, new_count, changed_count, ended_count
                FROM crawler_captures WHERE watchlist_id = @w ORDER BY started_at, id
                """).With("@w", watchlistId);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var list = new List<CaptureRecord>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new CaptureRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.Time(3), reader.NullableTime(4),
                        (int)reader.GetInt64(5), (int)reader.GetInt64(6), (int)reader.GetInt64(7), (int)reader.GetInt64(8), (int)reader.GetInt64(9)));
                }

                return list;
            }
        }, cancellationToken);

    private static async Task<Dictionary<string, Known>> KnownAsync(DbConnection connection, DbTransaction transaction, string marketplace, string[] ids, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, Known>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return known;
        }

        var names = ids.Select((_, i) => "@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        using var select = connection.Command($"""
            SELECT l.item_id, l.price, l.shipping, l.first_capture,
                (SELECT MAX(h.capture_id) FROM crawler_price_history h WHERE h.marketplace = l.marketplace AND h.item_id = l.item_id AND h.capture_id = l.last_capture)
            FROM crawler_listings l WHERE l.marketplace = @m AND l.item_id IN ({string.Join(", ", names)})
            """, transaction).With("@m", marketplace);
        for (var i = 0; i < ids.Length; i++)
        {
            select.With(names[i], ids[i]);
        }

        var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                known[reader.GetString(0)] = new Known(reader.GetDecimal(1), reader.NullableDecimal(2), reader.GetString(3), reader.NullableString(4));
            }
        }

        return known;
    }

    /// <summary>What is stored of a listing before a page updates it; <c>PricedIn</c> is the capture of its last price row when that capture was its last.</summary>
    private sealed record Known(decimal Price, decimal? Shipping, string FirstCapture, string? PricedIn);
}

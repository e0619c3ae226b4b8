using System.Data.Common;
using System.Globalization;
using System.Reflection;

namespace Crawler.Listings;

/// <summary>
/// The crawler's own tables (listings, price history, watchlists, captures, analyses) in Baton's database, with
/// numbered embedded migrations per provider. Every write that a step does is idempotent, so a step that runs
/// again after a crash leaves the same rows.
/// </summary>
internal sealed partial class ListingsStore(ListingsDatabase database, TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    /// <summary>Applies the migrations not applied yet.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"Crawler.Migrations.{database.Provider}.";
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n => (Name: n, Version: int.Parse(n[prefix.Length..].Split('.')[0], CultureInfo.InvariantCulture)))
            .OrderBy(m => m.Version)
            .ToArray();
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using (var create = connection.Command("CREATE TABLE IF NOT EXISTS crawler_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)"))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var (name, version) in migrations)
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    if (database.Provider == "postgres")
                    {
                        using var lockCommand = connection.Command("SELECT pg_advisory_xact_lock(7426001)", transaction);
                        await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    using (var check = connection.Command("SELECT COUNT(*) FROM crawler_migrations WHERE version = @v", transaction).With("@v", (long)version))
                    {
                        if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
                        {
                            continue;
                        }
                    }

                    string sql;
                    using (var reader = new StreamReader(assembly.GetManifestResourceStream(name)!))
                    {
                        sql = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                    }

                    using (var apply = connection.Command(sql, transaction))
                    {
                        await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    using (var record = connection.Command("INSERT INTO crawler_migrations (version, applied_at) VALUES (@v, @t)", transaction).With("@v", (long)version).With("@t", Time.GetUtcNow().Ms()))
                    {
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Adds a watchlist; false when one with its id exists (nothing changes then).</summary>
    public async Task<bool> AddWatchlistAsync(Watchlist watchlist, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(watchlist);
        watchlist.Validate();
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var insert = connection.Command("""
                INSERT INTO crawler_watchlists (id, query, marketplaces, min_price, max_price, conditions, buying_options, active, created_at)
                VALUES (@id, @q, @m, @min, @max, @c, @b, @a, @t)
                ON CONFLICT (id) DO NOTHING
                """)
                .With("@id", watchlist.Id).With("@q", watchlist.Query).With("@m", string.Join(',', watchlist.Marketplaces))
                .With("@min", watchlist.MinPrice).With("@max", watchlist.MaxPrice)
                .With("@c", string.Join(',', watchlist.Conditions)).With("@b", string.Join(',', watchlist.BuyingOptions))
                .With("@a", watchlist.Active ? 1L : 0L).With("@t", Time.GetUtcNow().Ms());
            return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>Turns a watchlist's refreshes on or off; false when it does not exist.</summary>
    public async Task<bool> SetActiveAsync(string id, bool active, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var update = connection.Command("UPDATE crawler_watchlists SET active = @a WHERE id = @id").With("@a", active ? 1L : 0L).With("@id", id);
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public async Task<IReadOnlyList<Watchlist>> ListWatchlistsAsync(bool activeOnly = false, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var select = connection.Command("SELECT id, query, marketplaces, min_price, max_price, conditions, buying_options, active, created_at FROM crawler_watchlists" + (activeOnly ? " WHERE active = 1" : "") + " ORDER BY id");
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var list = new List<Watchlist>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new Watchlist
                    {
                        Id = reader.GetString(0),
                        Query = reader.GetString(1),
                        Marketplaces = Split(reader.GetString(2)),
                        MinPrice = reader.NullableDecimal(3),
                        MaxPrice = reader.NullableDecimal(4),
                        Conditions = Split(reader.GetString(5)),
                        BuyingOptions = Split(reader.GetString(6)),
                        Active = reader.GetInt64(7) == 1,
                        CreatedAt = reader.Time(8),
                    });
                }

                return list;
            }
        }
    }

    public async Task<Watchlist?> GetWatchlistAsync(string id, CancellationToken cancellationToken = default)
        => (await ListWatchlistsAsync(false, cancellationToken).ConfigureAwait(false)).FirstOrDefault(w => w.Id == id);

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    private async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await work(connection).ConfigureAwait(false);
        }
    }
}

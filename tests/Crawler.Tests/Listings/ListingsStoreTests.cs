using Baton.Postgres.Tests;
using Crawler.Analysis;
using Crawler.Listings;
using Crawler.Marketplaces;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Crawler.Tests.Listings;

/// <summary>The listings store on a real SQLite file and on the real throwaway PostgreSQL, with the same assertions.</summary>
public sealed class ListingsStoreTests : IAsyncLifetime
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private readonly List<string> _files = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private async Task<ListingsStore> StoreAsync(string provider)
    {
        ListingsDatabase database;
        if (provider == "sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), "crawler-store-" + Guid.NewGuid().ToString("N") + ".db");
            _files.Add(file);
            database = ListingsDatabase.Sqlite(file);
        }
        else
        {
            var server = await PostgresServer.Shared;
            var schema = PostgresServer.NewSchema();
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
                await create.ExecuteNonQueryAsync();
            }

            database = ListingsDatabase.Postgres(new NpgsqlConnectionStringBuilder(server.ConnectionString) { SearchPath = schema }.ToString());
        }

        var store = new ListingsStore(database, _time);
        await store.MigrateAsync();
        await store.MigrateAsync();
        return store;
    }

    private static ListingSummary Summary(string id, decimal price, decimal? shipping = 2.50m) => new()
    {
        ItemId = id,
        Title = "LEGO " + id,
        Price = new Money(price, "GBP"),
        Shipping = shipping is null ? null : new Money(shipping.Value, "GBP"),
        Condition = "Used",
        ConditionId = "3000",
        Seller = "seller",
        BuyingOptions = ["FIXED_PRICE"],
        CreatedAt = new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero),
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task UpsertPage_NewThenRepriced_RecordsHistoryAndReportsTheSameIdsWhenRunAgain(string provider)
    {
        var store = await StoreAsync(provider);
        await store.BeginCaptureAsync("c1", "w", "EBAY_GB", "lego");
        var first = await store.UpsertPageAsync("c1", "w", "EBAY_GB", [Summary("a", 10.10m), Summary("b", 20m)]);
        Assert.Equal(["a", "b"], first.NewIds);
        Assert.Equal(first, await store.UpsertPageAsync("c1", "w", "EBAY_GB", [Summary("a", 10.10m), Summary("b", 20m)]) with { }, PageComparer.Instance);

        _time.Advance(TimeSpan.FromHours(1));
        await store.BeginCaptureAsync("c2", "w", "EBAY_GB", "lego");
        var second = await store.UpsertPageAsync("c2", "w", "EBAY_GB", [Summary("a", 9.99m), Summary("b", 20m), Summary("c", 5m, null)]);
        Assert.Equal(["c"], second.NewIds);
        Assert.Equal(["a"], second.ChangedIds);
        var again = await store.UpsertPageAsync("c2", "w", "EBAY_GB", [Summary("a", 9.99m), Summary("b", 20m), Summary("c", 5m, null)]);
        Assert.Equal(["c"], again.NewIds);
        Assert.Equal(["a"], again.ChangedIds);

        Assert.Equal([10.10m, 9.99m], (await store.PriceHistoryAsync("EBAY_GB", "a")).Select(p => p.Price));
        var a = (await store.GetListingAsync("EBAY_GB", "a"))!;
        Assert.Equal(9.99m, a.Price);
        Assert.Equal(2.50m, a.Shipping);
        Assert.Equal(12.49m, a.Landed);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), a.FirstSeen);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero), a.LastSeen);
        Assert.Null((await store.GetListingAsync("EBAY_GB", "c"))!.Shipping);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FinishCapture_ListingsNotSeenAgain_AreMarkedEndedAndRunningItAgainGivesTheSameIds(string provider)
    {
        var store = await StoreAsync(provider);
        await store.BeginCaptureAsync("c1", "w", "EBAY_GB", "lego");
        await store.UpsertPageAsync("c1", "w", "EBAY_GB", [Summary("a", 1m), Summary("b", 2m)]);
        Assert.Empty(await store.FinishCaptureAsync("c1", "w", "EBAY_GB", 1, 2, 2, 0));

        _time.Advance(TimeSpan.FromHours(1));
        await store.BeginCaptureAsync("c2", "w", "EBAY_GB", "lego");
        await store.UpsertPageAsync("c2", "w", "EBAY_GB", [Summary("a", 1m)]);
        Assert.Equal(["b"], await store.FinishCaptureAsync("c2", "w", "EBAY_GB", 1, 1, 0, 0));
        Assert.Equal(["b"], await store.FinishCaptureAsync("c2", "w", "EBAY_GB", 1, 1, 0, 0));
        Assert.NotNull((await store.GetListingAsync("EBAY_GB", "b"))!.EndedAt);
        Assert.Equal(["a"], (await store.WatchlistListingsAsync("w", activeOnly: true)).Select(l => l.ItemId));
        var captures = await store.ListCapturesAsync("w");
        Assert.Equal([0, 1], captures.Select(c => c.Ended));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Watchlists_SameIdTwice_SecondIsRefusedAndChangesNothing(string provider)
    {
        var store = await StoreAsync(provider);
        Assert.True(await store.AddWatchlistAsync(new Watchlist { Id = "w", Query = "lego", Marketplaces = ["EBAY_GB"], MaxPrice = 99.5m, Conditions = ["1000"] }));
        Assert.False(await store.AddWatchlistAsync(new Watchlist { Id = "w", Query = "other", Marketplaces = ["EBAY_US"] }));
        var stored = Assert.Single(await store.ListWatchlistsAsync());
        Assert.Equal("lego", stored.Query);
        Assert.Equal(99.5m, stored.MaxPrice);
        Assert.Equal(["1000"], stored.Conditions);
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddWatchlistAsync(new Watchlist { Id = "Bad Id", Query = "x", Marketplaces = ["EBAY_GB"] }));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddWatchlistAsync(new Watchlist { Id = "x", Query = "x", Marketplaces = ["EBAY_XX"] }));
        Assert.Single(await store.ListWatchlistsAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Enrichment_FreshOrEndedListings_AreNotSelectedAgain(string provider)
    {
        var store = await StoreAsync(provider);
        await store.BeginCaptureAsync("c1", "w", "EBAY_GB", "lego");
        await store.UpsertPageAsync("c1", "w", "EBAY_GB", [Summary("a", 1m), Summary("b", 2m), Summary("c", 3m)]);
        Assert.Equal(["a", "b", "c"], await store.NeedingDetailsAsync("EBAY_GB", ["a", "b", "c"], TimeSpan.FromDays(1)));
        await store.SaveDetailAsync("EBAY_GB", new ItemDetail { ItemId = "a", Price = new Money(1m, "GBP"), Description = "d", Aspects = [new("Brand", "LEGO")], Availability = "IN_STOCK" });
        await store.MarkEndedAsync("EBAY_GB", "b");
        Assert.Equal(["c"], await store.NeedingDetailsAsync("EBAY_GB", ["a", "b", "c"], TimeSpan.FromDays(1)));
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(["a", "c"], await store.NeedingDetailsAsync("EBAY_GB", ["a", "b", "c"], TimeSpan.FromDays(1)));
        var a = (await store.GetListingAsync("EBAY_GB", "a"))!;
        Assert.Equal("d", a.Description);
        Assert.Equal("IN_STOCK", a.Availability);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Analyses_SavedTwice_ReadBackExactlyOnce(string provider)
    {
        var store = await StoreAsync(provider);
        await store.BeginCaptureAsync("c1", "w", "EBAY_GB", "lego");
        await store.UpsertPageAsync("c1", "w", "EBAY_GB", [Summary("a", 10m), Summary("b", 20.01m), Summary("c", 30m)]);
        var listings = await store.WatchlistListingsAsync("w", activeOnly: true);
        var analyses = PriceAnalyzer.Analyze("r1", "w", listings, ExchangeRates.Default, "USD", _time.GetUtcNow(), (_, _) => null);
        await store.SaveAnalysesAsync(analyses);
        await store.SaveAnalysesAsync(analyses);
        var latest = Assert.Single(await store.LatestAnalysesAsync("w"));
        Assert.Equal(analyses[0].Stats, latest.Stats);
        Assert.Equal(analyses[0].Histogram, latest.Histogram);
        Assert.Equal(1.27m, latest.Rate);
        var scored = await store.AnalysisListingsAsync(latest.Id, dealsOnly: false);
        Assert.Equal(analyses[0].Listings.Select(l => (l.ItemId, l.Landed, l.LandedBase, l.IsDeal)), scored.Select(l => (l.ItemId, l.Landed, l.LandedBase, l.IsDeal)));
        Assert.Equal(analyses[0].Listings.Where(l => l.IsDeal).Select(l => l.ItemId), (await store.DealsAsync("w")).Select(d => d.ItemId));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in _files.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }

        return Task.CompletedTask;
    }

    private sealed class PageComparer : IEqualityComparer<PageChanges>
    {
        public static readonly PageComparer Instance = new();

        public bool Equals(PageChanges? x, PageChanges? y) => x!.NewIds.SequenceEqual(y!.NewIds) && x.ChangedIds.SequenceEqual(y.ChangedIds);

        public int GetHashCode(PageChanges obj) => obj.NewIds.Count;
    }
}

using Baton;
using Crawler.Analysis;
using Crawler.Ebay;
using Crawler.Functions;
using Crawler.Listings;
using Crawler.Marketplaces;

namespace Crawler;

/// <summary>Registers the crawler's services and functions.</summary>
internal static class CrawlerServiceCollectionExtensions
{
    /// <summary>The listings store, the eBay adapter, the exchange rates and the options.</summary>
    public static IServiceCollection AddCrawler(this IServiceCollection services, CrawlerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddSingleton(settings.Crawler);
        services.AddSingleton(settings.Ebay);
        services.AddSingleton(settings.Rates);
        services.AddHttpClient(EbayBrowseAdapter.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<EbayTokenProvider>();
        services.AddSingleton<IMarketplaceAdapter, EbayBrowseAdapter>();
        services.AddSingleton<MarketplaceAdapters>();
        services.AddSingleton(sp => new ListingsStore(Database(settings.Crawler), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<ListingsMigration>();
        return services;
    }

    /// <summary>Baton's store: the same database as the listings.</summary>
    public static BatonBuilder UseCrawlerStorage(this BatonBuilder baton, CrawlerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Storage == "postgres"
            ? baton.UsePostgres(options.PostgresConnectionString!)
            : baton.UseSqlite(options.SqlitePath);
    }

    private static ListingsDatabase Database(CrawlerOptions options)
        => options.Storage == "postgres" ? ListingsDatabase.Postgres(options.PostgresConnectionString!) : ListingsDatabase.Sqlite(options.SqlitePath);
}

/// <summary>Applies the listings migrations when the host starts, before the Baton worker runs any function.</summary>
internal sealed class ListingsMigration(ListingsStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

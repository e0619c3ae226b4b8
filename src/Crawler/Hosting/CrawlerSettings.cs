using Crawler.Analysis;
using Crawler.Ebay;
using Crawler.Simulator;

namespace Crawler;

/// <summary>All of the crawler's settings, read and validated at once from configuration.</summary>
internal sealed record CrawlerSettings(CrawlerOptions Crawler, EbayOptions Ebay, SimulatorOptions Simulator, ExchangeRates Rates)
{
    /// <summary>Binds sections <c>Crawler</c>, <c>Crawler:Ebay</c>, <c>Crawler:Simulator</c> and <c>Crawler:Rates</c>.</summary>
    public static CrawlerSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var crawler = new CrawlerOptions();
        configuration.GetSection("Crawler").Bind(crawler);
        var ebay = new EbayOptions();
        configuration.GetSection("Crawler:Ebay").Bind(ebay);
        var simulator = new SimulatorOptions();
        configuration.GetSection("Crawler:Simulator").Bind(simulator);
        crawler.Validate();
        ebay.Validate();
        simulator.Validate();
        return new CrawlerSettings(crawler, ebay, simulator, ExchangeRates.FromConfiguration(configuration.GetSection("Crawler:Rates")));
    }

    /// <summary>Whether the app runs against the simulated marketplace (no eBay credentials configured).</summary>
    public bool UsesSimulator => !Ebay.HasCredentials;
}

using Crawler.Ebay;
using Crawler.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Crawler.Tests.Support;

/// <summary>An eBay adapter wired to a simulator on a loopback port, both on one fake clock.</summary>
public sealed class SimulatedEbay : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SimulatedEbay(SimulatorHost simulator, FakeTimeProvider time, ServiceProvider services, EbayOptions options)
    {
        Simulator = simulator;
        Time = time;
        _services = services;
        Options = options;
        Tokens = new EbayTokenProvider(services.GetRequiredService<IHttpClientFactory>(), options, time);
        Adapter = new EbayBrowseAdapter(services.GetRequiredService<IHttpClientFactory>(), Tokens, options);
    }

    internal SimulatorHost Simulator { get; }

    internal SimulatedMarketplace Marketplace => Simulator.Marketplace;

    internal FakeTimeProvider Time { get; }

    internal EbayOptions Options { get; }

    internal EbayTokenProvider Tokens { get; }

    internal EbayBrowseAdapter Adapter { get; }

    internal static async Task<SimulatedEbay> StartAsync(Action<SimulatorOptions>? configure = null, FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new SimulatorOptions { Port = 0, Scale = 0.05, PerSecond = 10_000, DailyQuota = 1_000_000 };
        configure?.Invoke(options);
        var simulator = await SimulatorHost.StartAsync(options, time);
        var services = new ServiceCollection();
        services.AddHttpClient(EbayBrowseAdapter.HttpClientName);
        var ebay = new EbayOptions { BaseUrl = simulator.BaseUrl, ClientId = "test-app", ClientSecret = "secret" };
        ebay.Marketplaces.Add("EBAY_GB");
        ebay.Marketplaces.Add("EBAY_US");
        ebay.Marketplaces.Add("EBAY_DE");
        return new SimulatedEbay(simulator, time, services.BuildServiceProvider(), ebay);
    }

    public async ValueTask DisposeAsync()
    {
        Tokens.Dispose();
        await _services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

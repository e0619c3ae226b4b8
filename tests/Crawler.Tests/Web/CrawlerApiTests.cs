using System.Net;
using System.Net.Http.Json;
using Baton;
using Crawler.Analysis;
using Crawler.Cli;
using Crawler.Ebay;
using Crawler.Functions;
using Crawler.Simulator;
using Crawler.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crawler.Tests.Web;

/// <summary>The crawler's JSON API and command line on a real SQLite file (no worker: only what they store and send).</summary>
public sealed class CrawlerApiTests : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), "crawler-api-" + Guid.NewGuid().ToString("N") + ".db");
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    private CrawlerSettings Settings => new(
        new CrawlerOptions { SqlitePath = _database, RefreshCron = "0 0 1 1 *" },
        new EbayOptions { BaseUrl = "http://127.0.0.1:9", ClientId = "x", ClientSecret = "y" },
        new SimulatorOptions(),
        ExchangeRates.Default);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCrawler(Settings);
        builder.Services.AddBaton().UseCrawlerStorage(Settings.Crawler).Configure(o => o.RunWorker = false).AddCrawlerFunctions(Settings);
        builder.Services.AddCrawlerBatonApi(new ConfigurationBuilder().Build());
        _app = builder.Build();
        _app.MapCrawler();
        _app.MapBaton();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    [Fact]
    public async Task PostWatchlist_Valid_IsCreatedAndListed()
    {
        var response = await _http.PostAsJsonAsync("/crawler/api/watchlists", new { id = "falcon", query = "lego millennium falcon", marketplaces = new[] { "EBAY_GB", "EBAY_US" }, maxPrice = 900 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var list = await _http.GetFromJsonAsync<List<WatchlistView>>("/crawler/api/watchlists");
        var watchlist = Assert.Single(list!);
        Assert.Equal("falcon", watchlist.Id);
        Assert.Equal(["EBAY_GB", "EBAY_US"], watchlist.Marketplaces);
        Assert.Equal(900m, watchlist.MaxPrice);
    }

    [Fact]
    public async Task PostWatchlist_BadInput_Is400WithAMessageAndStoresNothing()
    {
        var badId = await _http.PostAsJsonAsync("/crawler/api/watchlists", new { id = "Not A Slug", query = "lego", marketplaces = new[] { "EBAY_GB" } });
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Contains("lower-case", await badId.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var badMarket = await _http.PostAsJsonAsync("/crawler/api/watchlists", new { id = "x", query = "lego", marketplaces = new[] { "EBAY_XX" } });
        Assert.Equal(HttpStatusCode.BadRequest, badMarket.StatusCode);
        Assert.Contains("EBAY_XX", await badMarket.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await _http.GetFromJsonAsync<List<WatchlistView>>("/crawler/api/watchlists"))!);
    }

    [Fact]
    public async Task PostWatchlist_ExistingId_Is409AndKeepsTheFirst()
    {
        await _http.PostAsJsonAsync("/crawler/api/watchlists", new { id = "w", query = "first", marketplaces = new[] { "EBAY_GB" } });
        var again = await _http.PostAsJsonAsync("/crawler/api/watchlists", new { id = "w", query = "second", marketplaces = new[] { "EBAY_GB" } });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("first", Assert.Single((await _http.GetFromJsonAsync<List<WatchlistView>>("/crawler/api/watchlists"))!).Query);
    }

    [Fact]
    public async Task Capture_KnownWatchlist_QueuesOneCapturePerMarketplace()
    {
        await _http.PostAsJsonAsync("/crawler/api/watchlists", new { id = "w", query = "lego", marketplaces = new[] { "EBAY_GB", "EBAY_DE" } });
        var response = await _http.PostAsync("/crawler/api/watchlists/w/capture", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var events = await _app.Services.GetRequiredService<IBatonInspector>().ListEventsAsync(new EventQuery { Name = CrawlerEvents.CaptureRequested });
        Assert.Equal(2, events.Items.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync("/crawler/api/watchlists/nope/capture", null)).StatusCode);
    }

    [Fact]
    public async Task AnalysisAndDeals_UnknownWatchlist_Are404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/crawler/api/watchlists/nope/analysis")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/crawler/api/watchlists/nope/deals")).StatusCode);
    }

    [Fact]
    public async Task Page_IsServed()
    {
        var page = await _http.GetStringAsync("/crawler");
        Assert.Contains("<title>Baton crawler</title>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_NavigationLeadsToTheCrawlerAndTheCrawlerPageLinksBack()
    {
        var dashboard = await _http.GetStringAsync("/dashboard/");
        var nav = dashboard[dashboard.IndexOf("<nav>", StringComparison.Ordinal)..dashboard.IndexOf("</nav>", StringComparison.Ordinal)];
        Assert.Contains("<a href=\"/crawler\" data-link=\"host\">Crawler</a>", nav, StringComparison.Ordinal);

        var crawler = await _http.GetAsync("/crawler");
        Assert.Equal(HttpStatusCode.OK, crawler.StatusCode);
        var page = await crawler.Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"/dashboard/\" id=\"dashboard-link\">Dashboard</a>", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/dashboard/")).StatusCode);
    }

    [Fact]
    public async Task Cli_WatchlistsAddListAndDeals_WorkOnTheDatabase()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await CrawlerCli.RunAsync(["watchlists", "add", "cli-w", "lego", "star", "wars", "--marketplaces", "EBAY_GB,EBAY_US", "--max", "120.5"], Settings, output, error));
        Assert.Contains("Added watchlist cli-w: \"lego star wars\" on EBAY_GB,EBAY_US", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await CrawlerCli.RunAsync(["watchlists", "add", "cli-w", "other"], Settings, output, error));
        Assert.Contains("already exists", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await CrawlerCli.RunAsync(["watchlists", "add", "x", "lego", "--marketplaces", "EBAY_XX"], Settings, output, error));
        Assert.Contains("Unknown marketplace 'EBAY_XX'", error.ToString(), StringComparison.Ordinal);

        var list = new StringWriter();
        Assert.Equal(0, await CrawlerCli.RunAsync(["watchlists", "list"], Settings, list, error));
        Assert.Contains("cli-w", list.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("x ", list.ToString(), StringComparison.Ordinal);

        var deals = new StringWriter();
        Assert.Equal(0, await CrawlerCli.RunAsync(["deals", "cli-w"], Settings, deals, error));
        Assert.Contains("No deals for cli-w yet", deals.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await CrawlerCli.RunAsync(["deals", "nope"], Settings, deals, error));
        Assert.Equal(2, await CrawlerCli.RunAsync(["watchlists"], Settings, deals, error));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed record WatchlistView(string Id, string Query, List<string> Marketplaces, decimal? MaxPrice);
}

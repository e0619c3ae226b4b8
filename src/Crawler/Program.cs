// The marketplace crawler on Baton: `dotnet run --project src/Crawler` starts Baton (SQLite under ./data, or
// PostgreSQL by configuration), the crawler's functions and its pages on http://localhost:8288/crawler. Without
// eBay credentials it also starts the simulated marketplace on its own loopback port and demo watchlists.
// With arguments it is the command line (see Cli/CrawlerCli.cs).
using Baton;
using Crawler;
using Crawler.Cli;
using Crawler.Functions;
using Crawler.Simulator;
using Crawler.Web;

// appsettings.json ships beside the binary; ./data is under the working directory (`dotnet run` runs a web project in
// its own directory: src/Crawler/data).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var settings = CrawlerSettings.From(builder.Configuration);
if (CrawlerCli.IsCommand(args))
{
    return await CrawlerCli.RunAsync(args, settings, Console.Out, Console.Error).ConfigureAwait(false);
}

SimulatorHost? simulator = null;
if (settings.UsesSimulator)
{
    simulator = await SimulatorHost.StartAsync(settings.Simulator, TimeProvider.System).ConfigureAwait(false);
    settings.Ebay.BaseUrl = simulator.BaseUrl;
    settings.Ebay.ClientId = "baton-crawler-demo";
    settings.Ebay.ClientSecret = "simulated";
    settings.Ebay.PerSecond = settings.Simulator.PerSecond;
    settings.Ebay.PerDay = settings.Simulator.DailyQuota;
    settings.Ebay.Validate(); // the simulator's per-application limits are shared by the marketplaces served
    builder.Services.AddSingleton(simulator);
}

builder.WebHost.UseUrls(settings.Crawler.Url);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddCrawler(settings);
builder.Services.AddBaton()
    .UseCrawlerStorage(settings.Crawler)
    .Configure(o => builder.Configuration.GetSection("Baton").Bind(o)) // worker settings: Baton:LeaseDuration, Baton:MaxConcurrentRuns, ...
    .AddCrawlerFunctions(settings);

// Baton's HTTP API, live stream, metrics and dashboard (loopback-only unless configured under Baton:Api), with the
// crawler's page in the dashboard's navigation.
builder.Services.AddCrawlerBatonApi(builder.Configuration);
if (simulator is not null && settings.Crawler.DemoWatchlists)
{
    builder.Services.AddHostedService<DemoSeeder>();
}

var app = builder.Build();
await using var disposeApp = app.ConfigureAwait(false);
app.MapGet("/", () => Results.Redirect("/crawler"));
app.MapCrawler();
app.MapBaton();
if (simulator is not null)
{
    Log.SimulatorStarted(app.Logger, simulator.BaseUrl);
}

Log.Listening(app.Logger, settings.Crawler.Url);
await app.RunAsync().ConfigureAwait(false);
if (simulator is not null)
{
    await simulator.DisposeAsync().ConfigureAwait(false);
}

return 0;

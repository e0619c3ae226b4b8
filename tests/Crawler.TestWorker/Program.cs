// The crawler's functions in a worker process on a clock the test drives (see Crawler.Tests/EndToEnd/WorkerKillTests).
//
//   dotnet Crawler.TestWorker.dll <start time, ISO 8601>
//
// Configuration comes from environment variables, as for the crawler app (Crawler__SqlitePath, Crawler__Ebay__BaseUrl,
// Baton__LeaseDuration, ...). The clock starts at the given time and stands still until a line on standard input
// names a later time (ISO 8601): it then moves there, firing every timer due on the way. It never moves back. When
// standard input closes (the test is gone), the worker stops.
// Standard output carries the protocol, one line each: "READY" once the host has started, then "CHANGE" after every
// change this process commits (a run claimed, a step recorded, a run parked or finished), so the test can wait on
// commits instead of wall time. Logs go to standard error.
using System.Globalization;
using Baton;
using Crawler;
using Crawler.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

var time = new FakeTimeProvider(DateTimeOffset.Parse(args[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddEnvironmentVariables();
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
var settings = CrawlerSettings.From(builder.Configuration);
builder.Services.AddSingleton<TimeProvider>(time);
builder.Services.AddCrawler(settings);
builder.Services.AddBaton()
    .UseCrawlerStorage(settings.Crawler)
    .Configure(o => builder.Configuration.GetSection("Baton").Bind(o))
    .AddCrawlerFunctions(settings);

using var host = builder.Build();
var output = Console.Out;
void Say(string line)
{
    lock (output)
    {
        output.WriteLine(line);
        output.Flush();
    }
}

using var changes = host.Services.GetRequiredService<ChangeFeed>().Subscribe(_ => Say("CHANGE"));
await host.StartAsync();
Say("READY");
while (await Console.In.ReadLineAsync() is { } line)
{
    var to = DateTimeOffset.Parse(line, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
    if (to > time.GetUtcNow())
    {
        time.SetUtcNow(to);
    }
}

await host.StopAsync();

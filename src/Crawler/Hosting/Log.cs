namespace Crawler;

/// <summary>The crawler's log messages. Event ids: 5xxx app.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Crawler: no eBay credentials configured; the simulated marketplace answers at {BaseUrl}")]
    public static partial void SimulatorStarted(ILogger logger, string baseUrl);

    [LoggerMessage(5001, LogLevel.Information, "Crawler: added {Watchlists} demo watchlist(s) and queued {Captures} capture(s)")]
    public static partial void DemoSeeded(ILogger logger, int watchlists, int captures);

    [LoggerMessage(5002, LogLevel.Information, "Crawler: open {Url}/crawler to see watchlists, analyses, deals and runs")]
    public static partial void Listening(ILogger logger, string url);
}

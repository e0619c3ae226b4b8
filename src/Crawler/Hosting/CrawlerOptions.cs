namespace Crawler;

/// <summary>Settings of the crawler app (configuration section <c>Crawler</c>).</summary>
internal sealed class CrawlerOptions
{
    /// <summary>Address the app (dashboard, crawler pages and API) listens on. Default is <c>http://localhost:8288</c>.</summary>
    public string Url { get; set; } = "http://localhost:8288";

    /// <summary><c>sqlite</c> or <c>postgres</c>: where Baton and the listings live. Default is <c>sqlite</c>.</summary>
    public string Storage { get; set; } = "sqlite";

    /// <summary>SQLite file of Baton and the listings. Default is <c>data/crawler.db</c> (relative to the working directory).</summary>
    public string SqlitePath { get; set; } = Path.Combine("data", "crawler.db");

    /// <summary>PostgreSQL connection string, used when <see cref="Storage"/> is <c>postgres</c>. Default is none.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Results per search page (at most the API's maximum, 200 on eBay). Default is 200.</summary>
    public int PageSize { get; set; } = 200;

    /// <summary>Cron schedule of <c>refresh-watchlists</c>. Default is every 6 hours (<c>0 */6 * * *</c>).</summary>
    public string RefreshCron { get; set; } = "0 */6 * * *";

    /// <summary>Time zone of <see cref="RefreshCron"/>. Default is UTC.</summary>
    public string RefreshTimeZone { get; set; } = "UTC";

    /// <summary>Captures running at once on one marketplace, across every node. Default is 2.</summary>
    public int CapturesPerMarketplace { get; set; } = 2;

    /// <summary>
    /// Quiet period before a watchlist is analysed: each capture of it that completes restarts the period, so its
    /// marketplaces' captures end in one analysis (at the latest five periods after the first). Default is 10 seconds.
    /// </summary>
    public TimeSpan AnalyzeDebounce { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Item details younger than this are not fetched again. Default is 1 day.</summary>
    public TimeSpan EnrichFreshFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Most listings one enrich run fetches (each costs one API call). Default is 200.</summary>
    public int EnrichMaxPerRun { get; set; } = 200;

    /// <summary>Currency analyses are normalised to. Default is USD.</summary>
    public string BaseCurrency { get; set; } = "USD";

    /// <summary>Whether, on the simulated marketplace, demo watchlists are added (when none exist) and captured at once. Default is true.</summary>
    public bool DemoWatchlists { get; set; } = true;

    /// <summary>Attempts of a crawler step before its run fails (429s and 5xx are retried). Default is 20.</summary>
    public int StepRetries { get; set; } = 20;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"Crawler:Url must be an absolute URL, not '{Url}'", nameof(Url));
        }

        if (Storage is not ("sqlite" or "postgres"))
        {
            throw new ArgumentException($"Crawler:Storage must be 'sqlite' or 'postgres', not '{Storage}'", nameof(Storage));
        }

        if (Storage == "postgres" && string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            throw new ArgumentException("Crawler:PostgresConnectionString is required when Crawler:Storage is 'postgres'", nameof(PostgresConnectionString));
        }

        if (PageSize is < 1 or > 200)
        {
            throw new ArgumentException("Crawler:PageSize must be 1 to 200", nameof(PageSize));
        }

        if (CapturesPerMarketplace < 1)
        {
            throw new ArgumentException("Crawler:CapturesPerMarketplace must be at least 1", nameof(CapturesPerMarketplace));
        }

        if (AnalyzeDebounce <= TimeSpan.Zero)
        {
            throw new ArgumentException("Crawler:AnalyzeDebounce must be positive", nameof(AnalyzeDebounce));
        }

        if (EnrichMaxPerRun < 0 || EnrichFreshFor < TimeSpan.Zero)
        {
            throw new ArgumentException("Crawler:EnrichMaxPerRun and EnrichFreshFor must not be negative", nameof(EnrichMaxPerRun));
        }

        if (BaseCurrency.Length != 3)
        {
            throw new ArgumentException("Crawler:BaseCurrency must be a 3-letter currency code", nameof(BaseCurrency));
        }

        if (StepRetries is < 0 or > 1000)
        {
            throw new ArgumentException("Crawler:StepRetries must be 0 to 1000", nameof(StepRetries));
        }
    }
}

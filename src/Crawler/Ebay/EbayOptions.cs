namespace Crawler.Ebay;

/// <summary>Settings of the eBay Browse adapter (configuration section <c>Crawler:Ebay</c>).</summary>
internal sealed class EbayOptions
{
    /// <summary>API root. Default is <c>https://api.ebay.com</c>; the simulated marketplace sets its own loopback address.</summary>
    public string BaseUrl { get; set; } = "https://api.ebay.com";

    /// <summary>Application client id. Default is none: without credentials the app runs the simulated marketplace.</summary>
    public string? ClientId { get; set; }

    /// <summary>Application client secret. Default is none.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>OAuth scope of the client-credentials token. Default is the public API scope.</summary>
    public string Scope { get; set; } = "https://api.ebay.com/oauth/api_scope";

    /// <summary>Marketplaces served. Default is EBAY_GB, EBAY_US, EBAY_DE.</summary>
    public IList<string> Marketplaces { get; } = [];

    /// <summary>
    /// Calls per second allowed to the application, shared evenly by the marketplaces served: each marketplace's budget
    /// gets a whole share (10 for three marketplaces gives each 3), so together they never exceed it. Default is 5.
    /// </summary>
    public int PerSecond { get; set; } = 5;

    /// <summary>
    /// Calls per day allowed to the application (Browse's default is 5,000 for all marketplaces together), shared evenly
    /// by the marketplaces served. Default is 5,000.
    /// </summary>
    public int PerDay { get; set; } = 5000;

    /// <summary>How long before expiry a token is renewed. Default is 5 minutes.</summary>
    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time allowed for one HTTP call. Default is 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait after a 429 that carries no Retry-After header. Default is 10 seconds.</summary>
    public TimeSpan ThrottledRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether client id and secret are both set.</summary>
    public bool HasCredentials => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    /// <summary>The marketplaces served, with the default when none is configured.</summary>
    public IReadOnlyList<string> EffectiveMarketplaces => Marketplaces.Count > 0 ? [.. Marketplaces.Distinct(StringComparer.Ordinal)] : ["EBAY_GB", "EBAY_US", "EBAY_DE"];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Crawler:Ebay:BaseUrl must be an absolute http(s) URL, not '{BaseUrl}'", nameof(BaseUrl));
        }

        var shares = EffectiveMarketplaces.Count;
        if (PerSecond < shares)
        {
            throw new ArgumentException($"Crawler:Ebay:PerSecond ({PerSecond}) is the application's limit, shared by {shares} marketplace(s): it must be at least {shares}, one call a second for each", nameof(PerSecond));
        }

        if (PerDay < shares)
        {
            throw new ArgumentException($"Crawler:Ebay:PerDay ({PerDay}) is the application's quota, shared by {shares} marketplace(s): it must be at least {shares}", nameof(PerDay));
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Crawler:Ebay:Timeout must be positive", nameof(Timeout));
        }

        foreach (var marketplace in EffectiveMarketplaces)
        {
            if (!global::Crawler.Marketplaces.KnownMarketplaces.IsKnown(marketplace))
            {
                throw new ArgumentException($"Crawler:Ebay:Marketplaces: unknown marketplace '{marketplace}'", nameof(Marketplaces));
            }
        }
    }
}

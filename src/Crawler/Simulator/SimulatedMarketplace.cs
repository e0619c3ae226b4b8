using System.Security.Cryptography;
using Crawler.Marketplaces;

namespace Crawler.Simulator;

/// <summary>
/// The simulated eBay Browse marketplace's state: a catalogue per marketplace that churns with the clock, the
/// tokens it issued, each application's per-second and daily counts, and the faults it injects.
/// </summary>
internal sealed class SimulatedMarketplace
{
    private static readonly TimeZoneInfo Pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
    private readonly Dictionary<string, MarketplaceCatalog> _catalogs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string ClientId, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimOffer[]> _results = new(StringComparer.Ordinal);
    private readonly Random _faults;
    private readonly DateTimeOffset _epoch;
    private int _resultsGeneration = -1;

    public SimulatedMarketplace(SimulatorOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Time = time;
        var now = time.GetUtcNow();
        _epoch = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        _faults = new Random(options.FaultSeed);
    }

    public SimulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public SimulatorStats Stats { get; } = new();

    /// <summary>Raised for every search answered with results (marketplace, search), e.g. for tests to see which pages were fetched.</summary>
    public event Action<string, SimSearch>? Searched;

    /// <summary>Raised for every item lookup admitted (marketplace, item id).</summary>
    public event Action<string, string>? ItemRequested;

    internal void OnSearched(string marketplace, SimSearch search) => Searched?.Invoke(marketplace, search);

    internal void OnItemRequested(string marketplace, string itemId) => ItemRequested?.Invoke(marketplace, itemId);

    /// <summary>The catalogue generation now (0 on the day the simulator started, one more every churn interval).</summary>
    public int Generation => (int)((Time.GetUtcNow() - _epoch).Ticks / Options.ChurnInterval.Ticks);

    public MarketplaceCatalog Catalog(string marketplace)
    {
        lock (_catalogs)
        {
            if (!_catalogs.TryGetValue(marketplace, out var catalog))
            {
                var index = KnownMarketplaces.All.ToList().IndexOf(marketplace);
                catalog = new MarketplaceCatalog(marketplace, index, Options.Seed, Options.Scale, _epoch, Options.ChurnInterval);
                _catalogs[marketplace] = catalog;
            }

            return catalog;
        }
    }

    /// <summary>All results of a search now, in the order pages return them.</summary>
    public SimOffer[] Results(string marketplace, SimSearch search)
    {
        var generation = Generation;
        var key = marketplace + "|" + search.ResultKey;
        lock (_results)
        {
            if (generation != _resultsGeneration)
            {
                _results.Clear();
                _resultsGeneration = generation;
            }

            if (_results.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var snapshot = Catalog(marketplace).Snapshot(generation);
        var buying = search.BuyingOptions.Length > 0 ? search.BuyingOptions : ["FIXED_PRICE"];
        var matches = snapshot.Where(o =>
            search.Words.All(o.Listing.Words.Contains)
            && (search.MinPrice is null || o.Price >= search.MinPrice)
            && (search.MaxPrice is null || o.Price <= search.MaxPrice)
            && (search.ConditionIds.Length == 0 || search.ConditionIds.Contains(o.Listing.ConditionId))
            && o.Listing.BuyingOptions.Any(buying.Contains));
        var ordered = search.Sort switch
        {
            "price" => matches.OrderBy(o => o.Price).ThenBy(o => o.Listing.Index),
            "-price" => matches.OrderByDescending(o => o.Price).ThenBy(o => o.Listing.Index),
            "newlyListed" => matches.OrderByDescending(o => o.Listing.CreatedAt).ThenBy(o => o.Listing.Index),
            _ => matches.OrderBy(o => o.Listing.Index),
        };
        var results = ordered.ToArray();
        lock (_results)
        {
            if (_results.Count > 512)
            {
                _results.Clear();
            }

            _results[key] = results;
        }

        return results;
    }

    /// <summary>Every listing a crawler should find for <paramref name="request"/> now, whatever the 10,000-result cap (for tests).</summary>
    public SimOffer[] Matching(string marketplace, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Results(marketplace, new SimSearch
        {
            Words = [.. MarketplaceCatalog.Words(request.Query).Order(StringComparer.Ordinal)],
            MinPrice = request.MinPrice,
            MaxPrice = request.MaxPrice,
            ConditionIds = [.. request.Conditions],
            BuyingOptions = [.. request.BuyingOptions],
        });
    }

    /// <summary>Issues a token for a client (any id and secret are accepted; the id names the application).</summary>
    public (string Token, TimeSpan Lifetime) IssueToken(string clientId)
    {
        var token = "v^1.1#sim#" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        lock (_tokens)
        {
            _tokens[token] = (clientId, Time.GetUtcNow() + Options.TokenLifetime);
        }

        Stats.Token();
        return (token, Options.TokenLifetime);
    }

    /// <summary>Invalidates every token issued so far (the next call with one answers 401).</summary>
    public void RevokeTokens()
    {
        lock (_tokens)
        {
            _tokens.Clear();
        }
    }

    /// <summary>The application a valid bearer token belongs to, or null.</summary>
    public string? Authenticate(string? token)
    {
        if (token is null)
        {
            return null;
        }

        lock (_tokens)
        {
            return _tokens.TryGetValue(token, out var entry) && entry.Expires > Time.GetUtcNow() ? entry.ClientId : null;
        }
    }

    /// <summary>Counts a Browse call against the application's limits; false (and counted as rejected) when over.</summary>
    public bool Admit(string application)
    {
        var now = Time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var day = TimeZoneInfo.ConvertTime(now, Pacific).Date;
        lock (_windows)
        {
            if (!_windows.TryGetValue(application, out var window))
            {
                window = new Window();
                _windows[application] = window;
            }

            if (window.Second != second)
            {
                window.Second = second;
                window.InSecond = 0;
            }

            if (window.Day != day)
            {
                window.Day = day;
                window.InDay = 0;
            }

            if (window.InSecond >= Options.PerSecond || window.InDay >= Options.DailyQuota)
            {
                Stats.QuotaRejected();
                return false;
            }

            window.InSecond++;
            window.InDay++;
            Stats.MaxCallsInOneSecond = Math.Max(Stats.MaxCallsInOneSecond, window.InSecond);
            Stats.MaxCallsInOneDay = Math.Max(Stats.MaxCallsInOneDay, window.InDay);
            return true;
        }
    }

    /// <summary>The fault to inject into this call, if any.</summary>
    public SimFault NextFault()
    {
        double roll;
        lock (_faults)
        {
            roll = _faults.NextDouble();
        }

        var o = Options;
        if ((roll -= o.ThrottleRate) < 0)
        {
            Stats.Throttled();
            return SimFault.Throttle;
        }

        if ((roll -= o.ServerErrorRate) < 0)
        {
            Stats.ServerError();
            return SimFault.ServerError;
        }

        if ((roll -= o.MalformedRate) < 0)
        {
            Stats.Malformed();
            return SimFault.Malformed;
        }

        if (roll - o.TimeoutRate < 0)
        {
            Stats.TimedOut();
            return SimFault.Timeout;
        }

        return SimFault.None;
    }

    private sealed class Window
    {
        public long Second { get; set; } = -1;

        public int InSecond { get; set; }

        public DateTime Day { get; set; }

        public int InDay { get; set; }
    }
}

/// <summary>A fault the simulator injects into one call.</summary>
internal enum SimFault
{
    None,
    Throttle,
    ServerError,
    Malformed,
    Timeout,
}

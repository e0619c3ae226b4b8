namespace Crawler.Simulator;

/// <summary>What the simulated marketplace has counted (read by tests, the benchmark and the crawler page).</summary>
internal sealed class SimulatorStats
{
    private long _searchCalls;
    private long _itemCalls;
    private long _tokensIssued;
    private long _quotaRejections;
    private long _injectedThrottles;
    private long _injectedServerErrors;
    private long _injectedMalformed;
    private long _injectedTimeouts;

    /// <summary>Search calls admitted (within the limits).</summary>
    public long SearchCalls => Interlocked.Read(ref _searchCalls);

    /// <summary>Item calls admitted.</summary>
    public long ItemCalls => Interlocked.Read(ref _itemCalls);

    /// <summary>Access tokens issued.</summary>
    public long TokensIssued => Interlocked.Read(ref _tokensIssued);

    /// <summary>Calls refused because the per-second limit or the daily quota was reached.</summary>
    public long QuotaRejections => Interlocked.Read(ref _quotaRejections);

    /// <summary>429 answers injected by <see cref="SimulatorOptions.ThrottleRate"/>.</summary>
    public long InjectedThrottles => Interlocked.Read(ref _injectedThrottles);

    /// <summary>500 answers injected by <see cref="SimulatorOptions.ServerErrorRate"/>.</summary>
    public long InjectedServerErrors => Interlocked.Read(ref _injectedServerErrors);

    /// <summary>Truncated bodies injected by <see cref="SimulatorOptions.MalformedRate"/>.</summary>
    public long InjectedMalformed => Interlocked.Read(ref _injectedMalformed);

    /// <summary>Hanging calls injected by <see cref="SimulatorOptions.TimeoutRate"/>.</summary>
    public long InjectedTimeouts => Interlocked.Read(ref _injectedTimeouts);

    /// <summary>Most calls admitted within one second for one application.</summary>
    public int MaxCallsInOneSecond { get; internal set; }

    /// <summary>Most calls admitted within one quota day for one application.</summary>
    public int MaxCallsInOneDay { get; internal set; }

    internal void Search() => Interlocked.Increment(ref _searchCalls);

    internal void Item() => Interlocked.Increment(ref _itemCalls);

    internal void Token() => Interlocked.Increment(ref _tokensIssued);

    internal void QuotaRejected() => Interlocked.Increment(ref _quotaRejections);

    internal void Throttled() => Interlocked.Increment(ref _injectedThrottles);

    internal void ServerError() => Interlocked.Increment(ref _injectedServerErrors);

    internal void Malformed() => Interlocked.Increment(ref _injectedMalformed);

    internal void TimedOut() => Interlocked.Increment(ref _injectedTimeouts);
}

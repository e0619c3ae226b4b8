namespace Crawler.Simulator;

/// <summary>
/// Settings of the simulated marketplace (configuration section <c>Crawler:Simulator</c>): its catalogue, its
/// limits and the faults it injects.
/// </summary>
internal sealed class SimulatorOptions
{
    /// <summary>Loopback port it listens on; 0 picks a free one. Default is 8289.</summary>
    public int Port { get; set; } = 8289;

    /// <summary>Seed of the catalogue: the same seed gives the same listings. Default is 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Catalogue size factor: 1 gives tens of thousands of listings per marketplace. Default is 1.</summary>
    public double Scale { get; set; } = 1;

    /// <summary>
    /// Time from one catalogue generation to the next: each adds listings, ends some and changes some prices.
    /// Default is 1 hour.
    /// </summary>
    public TimeSpan ChurnInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Browse calls per second per application; more answer 429 with errorId 2001. Default is 5.</summary>
    public int PerSecond { get; set; } = 5;

    /// <summary>Browse calls per day per application (the day ends at midnight US Pacific). Default is 5,000.</summary>
    public int DailyQuota { get; set; } = 5000;

    /// <summary>Lifetime of an access token. Default is 7,200 seconds, as eBay's.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(7200);

    /// <summary>Added to every Browse answer. Default is none.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Share of Browse calls answered 500. Default is 0.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Share of Browse calls answered 429 (errorId 2001) regardless of quota. Default is 0.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>Share of Browse calls answered 200 with a truncated body. Default is 0.</summary>
    public double MalformedRate { get; set; }

    /// <summary>Share of Browse calls that hang for <see cref="TimeoutDelay"/> before answering. Default is 0.</summary>
    public double TimeoutRate { get; set; }

    /// <summary>How long a hanging call hangs. Default is 2 minutes.</summary>
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Seed of the fault choices. Default is 7.</summary>
    public int FaultSeed { get; set; } = 7;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        static void Rate(double value, string name)
        {
            if (value is < 0 or > 1 || double.IsNaN(value))
            {
                throw new ArgumentException($"Crawler:Simulator:{name} must be between 0 and 1", name);
            }
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException("Crawler:Simulator:Port must be 0 to 65535", nameof(Port));
        }

        if (Scale is <= 0 or > 100 || double.IsNaN(Scale))
        {
            throw new ArgumentException("Crawler:Simulator:Scale must be above 0 and at most 100", nameof(Scale));
        }

        if (ChurnInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Crawler:Simulator:ChurnInterval must be positive", nameof(ChurnInterval));
        }

        if (PerSecond < 1 || DailyQuota < 1)
        {
            throw new ArgumentException("Crawler:Simulator:PerSecond and DailyQuota must be at least 1", PerSecond < 1 ? nameof(PerSecond) : nameof(DailyQuota));
        }

        if (TokenLifetime <= TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException("Crawler:Simulator:TokenLifetime must be over a minute", nameof(TokenLifetime));
        }

        if (Latency < TimeSpan.Zero || TimeoutDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("Crawler:Simulator:Latency and TimeoutDelay must not be negative", nameof(Latency));
        }

        Rate(ServerErrorRate, nameof(ServerErrorRate));
        Rate(ThrottleRate, nameof(ThrottleRate));
        Rate(MalformedRate, nameof(MalformedRate));
        Rate(TimeoutRate, nameof(TimeoutRate));
    }
}

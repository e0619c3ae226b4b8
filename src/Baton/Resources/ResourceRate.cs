namespace Baton;

/// <summary>
/// The per-second part of a resource budget: a generic cell rate (GCRA). Calls are spaced by
/// <c>1 / PerSecond</c>; <see cref="Burst"/> calls may be made back to back after the resource was idle.
/// In any interval of length <c>t</c> at most <c>Burst + PerSecond × t</c> units are granted.
/// </summary>
public sealed record ResourceRate
{
    /// <summary>Creates a rate; throws <see cref="ArgumentOutOfRangeException"/> for a rate that is not positive or a burst below 1.</summary>
    /// <param name="perSecond">Units granted per second on average (may be fractional: 0.5 is one every two seconds).</param>
    /// <param name="burst">Units that may be granted at once after idleness.</param>
    public ResourceRate(double perSecond, int burst)
    {
        if (!double.IsFinite(perSecond) || perSecond <= 0 || perSecond > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(perSecond), perSecond, "The rate must be positive and at most 1,000,000 per second");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        PerSecond = perSecond;
        Burst = burst;
    }

    /// <summary>Units granted per second on average.</summary>
    public double PerSecond { get; }

    /// <summary>Units that may be granted back to back after idleness.</summary>
    public int Burst { get; }

    /// <summary>Time one unit takes up: <c>1 / PerSecond</c>.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / PerSecond));
}

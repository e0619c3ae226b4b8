namespace Baton;

/// <summary>
/// Declares a resource budget (see <see cref="BatonBuilder.AddResource(string, Action{ResourceBuilder})"/>), e.g.
/// <c>r =&gt; r.PerSecond(5, burst: 5).Quota(5000, TimeSpan.FromDays(1), resetAt: new TimeOnly(0, 0), timeZone: "America/Los_Angeles")</c>.
/// </summary>
public sealed class ResourceBuilder
{
    private ResourceRate? _rate;
    private ResourceQuota? _quota;
    private TimeSpan? _defaultPause;

    internal ResourceBuilder()
    {
    }

    /// <summary>At most <paramref name="rate"/> units per second on average, <paramref name="burst"/> at once after idleness. Default burst is 1: calls are evenly spaced, so no second sees more than the rate.</summary>
    public ResourceBuilder PerSecond(double rate, int burst = 1)
    {
        _rate = new ResourceRate(rate, burst);
        return this;
    }

    /// <summary>At most <paramref name="limit"/> units per <paramref name="window"/> (see <see cref="ResourceQuota"/>).</summary>
    public ResourceBuilder Quota(long limit, TimeSpan window, TimeOnly? resetAt = null, string? timeZone = null)
    {
        _quota = new ResourceQuota(limit, window, resetAt, timeZone);
        return this;
    }

    /// <summary>How long the resource pauses after an exhaustion that names no retry time. Default is one minute.</summary>
    public ResourceBuilder DefaultPause(TimeSpan pause)
    {
        _defaultPause = pause;
        return this;
    }

    internal ResourceBudget Build(string name) => new(name, _rate, _quota, _defaultPause);
}

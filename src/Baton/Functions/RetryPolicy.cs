namespace Baton;

/// <summary>
/// How failed step attempts (and failures of code outside steps) are retried: exponential backoff
/// with jitter and a cap. Each step has its own attempt budget.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>The default policy: 4 retries (5 attempts), 1 s doubling up to 10 min, 20 % jitter.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>Retries after the first attempt; 0 means one attempt only. Default is 4.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>Delay before the first retry. Default is 1 second.</summary>
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Factor applied to the delay after each retry. Default is 2.</summary>
    public double BackoffCoefficient { get; init; } = 2;

    /// <summary>Upper bound of any delay. Default is 10 minutes.</summary>
    public TimeSpan MaximumInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Fraction (0–1) of the delay that is randomized downwards to spread retries. Default is 0.2.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Total attempts allowed: <see cref="MaxRetries"/> + 1.</summary>
    public int MaxAttempts => MaxRetries + 1;

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 = first retry).</summary>
    public TimeSpan DelayBefore(int nextAttempt, double random)
    {
        var exponent = Math.Max(0, nextAttempt - 2);
        var raw = InitialInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, exponent);
        var capped = Math.Min(raw, MaximumInterval.TotalMilliseconds);
        var jittered = capped * (1 - (Jitter * random));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }

    internal string? Problem()
    {
        if (MaxRetries is < 0 or > 1000)
        {
            return "MaxRetries must be between 0 and 1000";
        }

        if (InitialInterval < TimeSpan.Zero || MaximumInterval < InitialInterval)
        {
            return "InitialInterval must be >= 0 and <= MaximumInterval";
        }

        if (BackoffCoefficient < 1)
        {
            return "BackoffCoefficient must be >= 1";
        }

        return Jitter is < 0 or > 1 ? "Jitter must be between 0 and 1" : null;
    }
}

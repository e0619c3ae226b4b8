namespace Baton.AspNetCore.Alerts;

/// <summary>
/// A failure alert: when runs of <see cref="FunctionId"/> (or of any function) fail as the rule says, a JSON message is
/// posted to <see cref="WebhookUrl"/>, then the rule stays quiet for <see cref="Cooldown"/>.
/// </summary>
/// <param name="WebhookUrl">Absolute http(s) URL the alert is posted to.</param>
public sealed record AlertRule(Uri WebhookUrl)
{
    /// <summary>The function watched; null watches every function. Default is null.</summary>
    public string? FunctionId { get; init; }

    /// <summary>
    /// Fire when the share of failed runs among runs finished within <see cref="Window"/> exceeds this (0–1, e.g. 0.2
    /// for 20 %). Null fires on any failed run. Default is null.
    /// </summary>
    public double? FailureRateAbove { get; init; }

    /// <summary>The sliding window of <see cref="FailureRateAbove"/>. Default is 5 minutes.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Finished runs needed in the window before a rate is judged. Default is 1.</summary>
    public int MinRuns { get; init; } = 1;

    /// <summary>Quiet time after an alert is sent. Default is 15 minutes.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Checks the rule; throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public void Validate()
    {
        if (WebhookUrl is null || !WebhookUrl.IsAbsoluteUri || (WebhookUrl.Scheme != Uri.UriSchemeHttp && WebhookUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("an alert's webhook URL must be an absolute http or https URL", nameof(WebhookUrl));
        }

        if (FailureRateAbove is { } rate && (double.IsNaN(rate) || rate < 0 || rate >= 1))
        {
            throw new ArgumentException($"an alert's failure rate must be at least 0 and below 1 (got {rate})", nameof(FailureRateAbove));
        }

        if (Window <= TimeSpan.Zero)
        {
            throw new ArgumentException("an alert's window must be positive", nameof(Window));
        }

        if (MinRuns < 1)
        {
            throw new ArgumentException("an alert's minimum runs must be at least 1", nameof(MinRuns));
        }

        if (Cooldown < TimeSpan.Zero)
        {
            throw new ArgumentException("an alert's cooldown must not be negative", nameof(Cooldown));
        }
    }
}

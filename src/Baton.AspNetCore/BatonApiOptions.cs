using Baton.AspNetCore.Alerts;

namespace Baton.AspNetCore;

/// <summary>
/// Settings of the HTTP surface mapped by <c>MapBaton()</c>. Secure by default: only loopback clients are served
/// until <see cref="AllowRemoteAccess"/> is set, and a remote client then needs a key (or the host's policy).
/// </summary>
public sealed class BatonApiOptions
{
    /// <summary>
    /// Serve clients that are not on this machine. When true, ingest requires one of <see cref="EventKeys"/> and the API
    /// requires one of <see cref="ApiKeys"/> or <see cref="AuthorizationPolicy"/>; a remote request without them is
    /// refused. Default is false: only loopback clients (127.0.0.1, ::1) are served.
    /// </summary>
    public bool AllowRemoteAccess { get; set; }

    /// <summary>
    /// Event keys accepted by <c>POST /e/{eventKey}</c>. When empty, a loopback client may use any key and a remote client
    /// is refused. Default is empty.
    /// </summary>
    public IList<string> EventKeys { get; } = [];

    /// <summary>
    /// API keys accepted by <c>/api/v1</c> and <c>/metrics</c>, sent as <c>Authorization: Bearer &lt;key&gt;</c> or
    /// <c>X-Baton-Api-Key</c>. When empty, only loopback clients (or <see cref="AuthorizationPolicy"/>) get in. Default is empty.
    /// </summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>
    /// Name of a host authorization policy that admits API callers (instead of, or besides, <see cref="ApiKeys"/>).
    /// Default is null (none).
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Refuse every API request that changes something (cancel, replay, pause, resume) with 403. Ingest is unaffected. Default is false.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Largest ingest request body in bytes. Default is 3 MiB.</summary>
    public int MaxRequestBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Largest single event (its JSON) in bytes. Default is 256 KiB.</summary>
    public int MaxEventBytes { get; set; } = 256 * 1024;

    /// <summary>Most events in one ingest request. Default is 500.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Most runs one bulk cancel or bulk replay may touch. Default is 10,000.</summary>
    public int MaxBulkRuns { get; set; } = 10_000;

    /// <summary>Runs a bulk replay starts per second, so a replay does not flood the workers. Default is 10.</summary>
    public double ReplaysPerSecond { get; set; } = 10;

    /// <summary>Changes a live-stream client may lag behind before it is disconnected. Default is 10,000.</summary>
    public int StreamBuffer { get; set; } = 10_000;

    /// <summary>
    /// How often the live stream reads the store's change feed when nothing woke it. Changes committed by this process
    /// wake it at once, and on PostgreSQL so do other nodes' commits that make work due; other nodes' step commits are
    /// seen within this interval. Default is 1 second.
    /// </summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Failure alert rules (see <see cref="AlertRule"/>). Default is none.</summary>
    public IList<AlertRule> Alerts { get; } = [];

    /// <summary>The dashboard's settings, e.g. links to the host's own pages in its navigation bar. Default is no links.</summary>
    public DashboardOptions Dashboard { get; } = new();

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        Positive(MaxRequestBytes, nameof(MaxRequestBytes));
        Positive(MaxEventBytes, nameof(MaxEventBytes));
        Positive(MaxBatchSize, nameof(MaxBatchSize));
        Positive(MaxBulkRuns, nameof(MaxBulkRuns));
        Positive(StreamBuffer, nameof(StreamBuffer));
        if (StreamPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(StreamPollInterval)} must be positive", nameof(StreamPollInterval));
        }
        if (!(ReplaysPerSecond > 0) || double.IsInfinity(ReplaysPerSecond))
        {
            throw new ArgumentException($"{nameof(ReplaysPerSecond)} must be a positive number", nameof(ReplaysPerSecond));
        }

        if (EventKeys.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("event keys must not be empty", nameof(EventKeys));
        }

        if (ApiKeys.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("API keys must not be empty", nameof(ApiKeys));
        }

        foreach (var rule in Alerts)
        {
            ArgumentNullException.ThrowIfNull(rule, nameof(Alerts));
            rule.Validate();
        }

        Dashboard.Validate();
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name} must be positive (got {value})", name);
        }
    }
}

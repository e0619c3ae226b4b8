namespace Baton;

/// <summary>Engine and worker settings. Every property has a sensible default.</summary>
public sealed class BatonOptions
{
    /// <summary>Whether this process executes runs. Set false for a process that only sends events or inspects. Default is true.</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>Identifies this worker in leases. Default is the machine name, process id and a random suffix.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Runs executing at once in this process. Default is 256.</summary>
    public int MaxConcurrentRuns { get; set; } = 256;

    /// <summary>Most runs leased by one claim. Default is 128.</summary>
    public int ClaimBatchSize { get; set; } = 128;

    /// <summary>How long a lease lasts without a heartbeat; a crashed worker's runs are claimable after it. Default is 30 seconds.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often leases are extended. Default is a third of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>Longest wait between looks for due work when no wake-up signal arrives. Default is 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>On shutdown, how long in-flight steps may take to finish before their leases are released anyway. Default is 30 seconds.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most commands committed in one group-commit transaction. Default is 1024.</summary>
    public int MaxWriteBatch { get; set; } = 1024;

    /// <summary>An event id received again within this window is not processed twice. Default is 24 hours.</summary>
    public TimeSpan EventDedupeWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often progress is persisted.</summary>
    public ProgressOptions Progress { get; set; } = new();

    internal TimeSpan EffectiveHeartbeat => HeartbeatInterval ?? LeaseDuration / 3;

    internal void Validate()
    {
        if (MaxConcurrentRuns < 1)
        {
            throw new ArgumentException("MaxConcurrentRuns must be at least 1", nameof(MaxConcurrentRuns));
        }

        if (ClaimBatchSize < 1)
        {
            throw new ArgumentException("ClaimBatchSize must be at least 1", nameof(ClaimBatchSize));
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("LeaseDuration must be at least 1 second", nameof(LeaseDuration));
        }

        if (EffectiveHeartbeat <= TimeSpan.Zero || EffectiveHeartbeat >= LeaseDuration)
        {
            throw new ArgumentException("HeartbeatInterval must be positive and shorter than LeaseDuration", nameof(HeartbeatInterval));
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("PollInterval must be positive", nameof(PollInterval));
        }

        if (MaxWriteBatch < 1)
        {
            throw new ArgumentException("MaxWriteBatch must be at least 1", nameof(MaxWriteBatch));
        }

        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            throw new ArgumentException("WorkerId must not be empty", nameof(WorkerId));
        }

        Progress.Validate();
    }
}

/// <summary>
/// Progress is persisted like a milestone/time tracker: after <see cref="EveryReports"/> reports or
/// <see cref="Interval"/> since the last save, whichever comes first, and always at the end.
/// </summary>
public sealed class ProgressOptions
{
    /// <summary>Save after this many reports. Default is 100.</summary>
    public int EveryReports { get; set; } = 100;

    /// <summary>Save when this much time passed since the last save. Default is 2 seconds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    internal void Validate()
    {
        if (EveryReports < 1)
        {
            throw new ArgumentException("Progress.EveryReports must be at least 1", nameof(EveryReports));
        }

        if (Interval < TimeSpan.Zero)
        {
            throw new ArgumentException("Progress.Interval must not be negative", nameof(Interval));
        }
    }
}

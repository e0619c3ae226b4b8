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

    /// <summary>
    /// How long the leader lease lasts without renewal. One worker at a time holds it and runs the leader-only work
    /// (cron schedules, retention); it renews every third of this, and when it dies another worker takes over after
    /// at most this long. Default is 15 seconds.
    /// </summary>
    public TimeSpan LeaderLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How far back a cron tick that no worker fired still fires, late and once: the tick in progress when the
    /// previous leader died, one missed during a restart, or ticks a paused or overloaded leader woke up too late for.
    /// Older ones are skipped. Default is 1 minute; at least twice <see cref="LeaderLeaseDuration"/> is used, so a leader change
    /// never loses a tick.
    /// </summary>
    public TimeSpan CronCatchUp { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long finished runs and old events are kept; pruned by the leader.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>Which log lines of a run's code are stored with the run (level, lines per run, line length).</summary>
    public RunLogOptions RunLogs { get; set; } = new();

    internal TimeSpan EffectiveHeartbeat => HeartbeatInterval ?? LeaseDuration / 3;

    internal TimeSpan LeaderRenewInterval => LeaderLeaseDuration / 3;

    internal TimeSpan EffectiveCronCatchUp => CronCatchUp > 2 * LeaderLeaseDuration ? CronCatchUp : 2 * LeaderLeaseDuration;

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

        if (LeaderLeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("LeaderLeaseDuration must be at least 1 second", nameof(LeaderLeaseDuration));
        }

        if (CronCatchUp < TimeSpan.Zero)
        {
            throw new ArgumentException("CronCatchUp must not be negative", nameof(CronCatchUp));
        }

        Progress.Validate();
        (RunLogs ?? throw new ArgumentException("RunLogs must not be null", nameof(RunLogs))).Validate();
        (Retention ?? throw new ArgumentException("Retention must not be null", nameof(Retention))).Validate(EventDedupeWindow);
    }
}

/// <summary>
/// Retention: the leader deletes finished runs (with their steps, attempts and waits) and old events (with their
/// skips) in small batches, repeating until nothing is left, one pass every <see cref="Interval"/>. Expired
/// idempotency keys go too. Runs that have not finished (queued, running, sleeping, waiting) are never deleted.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Age, counted from when a run finished, after which it is deleted; null keeps runs forever. Default is 7 days.</summary>
    public TimeSpan? RunsAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Age, counted from when an event was received, after which it is deleted; null keeps events forever. Default is
    /// 7 days. It must be at least <see cref="BatonOptions.EventDedupeWindow"/>: an event is what makes a resent id a duplicate.
    /// </summary>
    public TimeSpan? EventsAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Time from the start of one pruning pass to the next (a pass that takes longer is followed at once). Default is 5 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most rows of each kind (runs, events, keys) deleted per transaction, which bounds how long a pass holds locks. Default is 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Rows of the store's change feed (the live stream's source, one per run or step change) kept after a pass; older
    /// ones are deleted. A stream client further behind than this misses changes. Null keeps them all. Default is 100,000.
    /// </summary>
    public int? ChangesKept { get; set; } = 100_000;

    internal bool Enabled => RunsAfter is not null || EventsAfter is not null || ChangesKept is not null;

    internal void Validate(TimeSpan dedupeWindow)
    {
        if (RunsAfter is { } runs && runs <= TimeSpan.Zero)
        {
            throw new ArgumentException("Retention.RunsAfter must be positive (or null to keep runs)", nameof(RunsAfter));
        }

        if (EventsAfter is { } events && events < dedupeWindow)
        {
            throw new ArgumentException($"Retention.EventsAfter must be at least the event dedupe window ({dedupeWindow}), or null to keep events", nameof(EventsAfter));
        }

        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Retention.Interval must be positive", nameof(Interval));
        }

        if (BatchSize is < 1 or > 100_000)
        {
            throw new ArgumentException("Retention.BatchSize must be between 1 and 100000", nameof(BatchSize));
        }

        if (ChangesKept is < 0)
        {
            throw new ArgumentException("Retention.ChangesKept must not be negative", nameof(ChangesKept));
        }
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

namespace Baton.AspNetCore.Dashboard;

/// <summary>Chart data of the dashboard: one point per bucket, oldest first, counted from the store (every node's runs).</summary>
/// <param name="Since">Start of the window (the first point).</param>
/// <param name="BucketMs">Width of a point in milliseconds (one minute for the last hour, wider for longer windows).</param>
/// <param name="Points">The buckets, oldest first; the last one is the current, still-filling bucket.</param>
public sealed record StatsView(DateTimeOffset Since, int BucketMs, IReadOnlyList<StatsPoint> Points);

/// <summary>What happened in one bucket.</summary>
/// <param name="At">Start of the bucket.</param>
/// <param name="Started">Runs started for the first time.</param>
/// <param name="Completed">Runs completed.</param>
/// <param name="Failed">Runs failed.</param>
/// <param name="Cancelled">Runs cancelled.</param>
/// <param name="QueueLagAvgMs">Mean time from creation to first start of the runs started in the bucket (null when none).</param>
/// <param name="QueueLagMaxMs">Longest such time (null when none).</param>
public sealed record StatsPoint(DateTimeOffset At, long Started, long Completed, long Failed, long Cancelled, double? QueueLagAvgMs, double? QueueLagMaxMs);

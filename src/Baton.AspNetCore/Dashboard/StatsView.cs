namespace Baton.AspNetCore.Dashboard;

/// <summary>Chart data of the dashboard: one point per minute, oldest first.</summary>
/// <param name="Since">When this process started counting (values before it are zero).</param>
/// <param name="BucketMs">Width of a point in milliseconds (60,000).</param>
/// <param name="Points">The minutes, oldest first; the last one is the current, still-filling minute.</param>
public sealed record StatsView(DateTimeOffset Since, int BucketMs, IReadOnlyList<StatsPoint> Points);

/// <summary>What happened in one minute.</summary>
/// <param name="At">Start of the minute.</param>
/// <param name="Started">Runs started for the first time.</param>
/// <param name="Completed">Runs completed.</param>
/// <param name="Failed">Runs failed.</param>
/// <param name="Cancelled">Runs cancelled.</param>
/// <param name="QueueLagAvgMs">Mean time from creation to first claim of the runs started in the minute (null when none).</param>
/// <param name="QueueLagMaxMs">Longest such time (null when none).</param>
public sealed record StatsPoint(DateTimeOffset At, long Started, long Completed, long Failed, long Cancelled, double? QueueLagAvgMs, double? QueueLagMaxMs);

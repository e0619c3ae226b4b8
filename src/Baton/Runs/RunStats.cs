namespace Baton;

/// <summary>What <see cref="IBatonInspector.GetRunStatsAsync"/> counts: runs of a time window, in buckets of equal width.</summary>
public sealed record RunStatsQuery
{
    /// <summary>Only runs of this function; null for all. Default is null.</summary>
    public string? FunctionId { get; init; }

    /// <summary>Start of the window (inclusive); it is also the start of the first bucket.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the window (exclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>Width of a bucket: whole milliseconds, at least one second.</summary>
    public required TimeSpan Bucket { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (To <= From)
        {
            throw new ArgumentException($"'{nameof(To)}' ({To:O}) must be after '{nameof(From)}' ({From:O})", nameof(To));
        }

        if (Bucket < TimeSpan.FromSeconds(1) || Bucket.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentException($"'{nameof(Bucket)}' must be whole milliseconds and at least one second (got {Bucket})", nameof(Bucket));
        }

        if ((To - From).Ticks / Bucket.Ticks > 10_000)
        {
            throw new ArgumentException("the window holds more than 10,000 buckets; use wider buckets", nameof(Bucket));
        }
    }
}

/// <summary>What happened in one bucket of a <see cref="RunStatsQuery"/>, counted from the stored runs (of every node).</summary>
/// <param name="At">Start of the bucket.</param>
/// <param name="Started">Runs started for the first time (first claimed) in the bucket.</param>
/// <param name="Completed">Runs that completed in the bucket.</param>
/// <param name="Failed">Runs that failed in the bucket.</param>
/// <param name="Cancelled">Runs cancelled in the bucket.</param>
/// <param name="QueueLagAvgMs">Mean time from creation to first start of the runs started in the bucket; null when none.</param>
/// <param name="QueueLagMaxMs">Longest such time; null when none.</param>
public sealed record RunStatsBucket(DateTimeOffset At, long Started, long Completed, long Failed, long Cancelled, double? QueueLagAvgMs, double? QueueLagMaxMs)
{
    /// <summary>An empty bucket starting at <paramref name="at"/>.</summary>
    public static RunStatsBucket Empty(DateTimeOffset at) => new(at, 0, 0, 0, 0, null, null);
}

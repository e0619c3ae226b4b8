namespace Baton.Storage;

/// <summary>
/// Collects the rows of a provider's two stats queries (runs started per bucket with lag; runs finished per bucket
/// and status) into <see cref="RunStatsBucket"/>s.
/// </summary>
internal sealed class RunStatsCounts(RunStatsQuery query)
{
    private readonly Dictionary<long, Counts> _buckets = [];

    /// <summary>Records the runs first started in bucket <paramref name="index"/> with their mean and longest queue lag.</summary>
    public void Started(long index, long count, double lagAvgMs, double lagMaxMs)
    {
        var counts = Bucket(index);
        counts.Started += count;
        counts.LagAvg = lagAvgMs;
        counts.LagMax = lagMaxMs;
    }

    /// <summary>Records <paramref name="count"/> runs that finished with <paramref name="status"/> in bucket <paramref name="index"/>.</summary>
    public void Finished(long index, RunStatus status, long count)
    {
        var counts = Bucket(index);
        switch (status)
        {
            case RunStatus.Completed: counts.Completed += count; break;
            case RunStatus.Failed: counts.Failed += count; break;
            case RunStatus.Cancelled: counts.Cancelled += count; break;
        }
    }

    /// <summary>The buckets with something in them.</summary>
    public IReadOnlyList<RunStatsBucket> ToBuckets() => _buckets
        .Select(b => new RunStatsBucket(query.From + (query.Bucket * b.Key), b.Value.Started, b.Value.Completed, b.Value.Failed, b.Value.Cancelled, b.Value.LagAvg, b.Value.LagMax))
        .ToArray();

    private Counts Bucket(long index)
    {
        if (!_buckets.TryGetValue(index, out var counts))
        {
            _buckets[index] = counts = new Counts();
        }

        return counts;
    }

    private sealed class Counts
    {
        public long Started { get; set; }

        public long Completed { get; set; }

        public long Failed { get; set; }

        public long Cancelled { get; set; }

        public double? LagAvg { get; set; }

        public double? LagMax { get; set; }
    }
}

using System.Diagnostics.Metrics;
using Baton.Telemetry;

namespace Baton.AspNetCore.Dashboard;

/// <summary>
/// Per-minute, per-function counts of runs started, completed, failed and cancelled, and queue lag, taken from Baton's
/// meter with a <see cref="MeterListener"/>. Kept in memory for <see cref="MaxMinutes"/> minutes: cheap to read however
/// many runs are stored, at the price of showing only what this process saw since it started.
/// </summary>
internal sealed class ThroughputStats : IDisposable
{
    /// <summary>How many minutes are kept.</summary>
    public const int MaxMinutes = 24 * 60;

    private const long MinuteMs = 60_000;

    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Dictionary<string, Bucket>> _minutes = [];
    private readonly DateTimeOffset _since;

    public ThroughputStats(TimeProvider time)
    {
        _time = time;
        _since = time.GetUtcNow();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BatonDiagnostics.Name && Kind(instrument.Name) is not null)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public StatsView Snapshot(string? functionId, int minutes)
    {
        var current = Minute(_time.GetUtcNow());
        var points = new StatsPoint[minutes];
        lock (_gate)
        {
            for (var i = 0; i < minutes; i++)
            {
                var minute = current - ((minutes - 1 - i) * MinuteMs);
                var total = new Bucket();
                if (_minutes.TryGetValue(minute, out var functions))
                {
                    foreach (var (function, bucket) in functions)
                    {
                        if (functionId is null || function == functionId)
                        {
                            total.Add(bucket);
                        }
                    }
                }

                points[i] = new StatsPoint(
                    DateTimeOffset.FromUnixTimeMilliseconds(minute),
                    total.Started,
                    total.Completed,
                    total.Failed,
                    total.Cancelled,
                    total.LagCount == 0 ? null : total.LagSum / total.LagCount,
                    total.LagCount == 0 ? null : total.LagMax);
            }
        }

        return new StatsView(_since, (int)MinuteMs, points);
    }

    public void Dispose() => _listener.Dispose();

    private static string? Kind(string instrument) => instrument switch
    {
        "baton.runs.started" or "baton.runs.completed" or "baton.runs.failed" or "baton.runs.cancelled" or "baton.queue.lag" => instrument,
        _ => null,
    };

    private static long Minute(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / MinuteMs * MinuteMs;

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var function = "";
        foreach (var tag in tags)
        {
            if (tag.Key == BatonDiagnostics.FunctionTag)
            {
                function = tag.Value?.ToString() ?? "";
            }
        }

        var minute = Minute(_time.GetUtcNow());
        lock (_gate)
        {
            if (!_minutes.TryGetValue(minute, out var functions))
            {
                functions = new Dictionary<string, Bucket>(StringComparer.Ordinal);
                _minutes[minute] = functions;
                while (_minutes.Count > MaxMinutes + 1)
                {
                    _minutes.Remove(_minutes.Keys.First());
                }
            }

            if (!functions.TryGetValue(function, out var bucket))
            {
                bucket = new Bucket();
                functions[function] = bucket;
            }

            switch (instrument.Name)
            {
                case "baton.runs.started": bucket.Started += (long)value; break;
                case "baton.runs.completed": bucket.Completed += (long)value; break;
                case "baton.runs.failed": bucket.Failed += (long)value; break;
                case "baton.runs.cancelled": bucket.Cancelled += (long)value; break;
                default:
                    bucket.LagCount++;
                    bucket.LagSum += value;
                    bucket.LagMax = Math.Max(bucket.LagMax, value);
                    break;
            }
        }
    }

    private sealed class Bucket
    {
        public long Started { get; set; }

        public long Completed { get; set; }

        public long Failed { get; set; }

        public long Cancelled { get; set; }

        public long LagCount { get; set; }

        public double LagSum { get; set; }

        public double LagMax { get; set; }

        public void Add(Bucket other)
        {
            Started += other.Started;
            Completed += other.Completed;
            Failed += other.Failed;
            Cancelled += other.Cancelled;
            LagCount += other.LagCount;
            LagSum += other.LagSum;
            LagMax = Math.Max(LagMax, other.LagMax);
        }
    }
}

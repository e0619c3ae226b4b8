using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Baton.Telemetry;

namespace Baton.AspNetCore.Metrics;

/// <summary>
/// Collects Baton's meter (<see cref="BatonDiagnostics.Name"/>) with a <see cref="MeterListener"/> and renders it in the
/// Prometheus text format (version 0.0.4): counters as <c>_total</c>, up-down counters as gauges, histograms with
/// fixed buckets. Names have dots turned into underscores and the unit appended (<c>baton_step_duration_ms</c>).
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    private static readonly double[] Buckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Family> _families = new(StringComparer.Ordinal);

    public PrometheusMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BatonDiagnostics.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public string Render()
    {
        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var (name, family) in _families)
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(Escape(family.Help, help: true)).Append('\n');
                text.Append("# TYPE ").Append(name).Append(' ').Append(family.Type).Append('\n');
                foreach (var (labels, series) in family.Series)
                {
                    if (family.Type == "histogram")
                    {
                        long cumulative = 0;
                        for (var i = 0; i < Buckets.Length; i++)
                        {
                            cumulative += series.Buckets![i];
                            Line(text, name + "_bucket", Join(labels, "le=\"" + Number(Buckets[i]) + "\""), cumulative);
                        }

                        Line(text, name + "_bucket", Join(labels, "le=\"+Inf\""), series.Count);
                        Line(text, name + "_sum", labels, series.Value);
                        Line(text, name + "_count", labels, series.Count);
                    }
                    else
                    {
                        Line(text, family.Type == "counter" ? name + "_total" : name, labels, series.Value);
                    }
                }
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (_gate)
        {
            var name = MetricName(instrument);
            if (!_families.TryGetValue(name, out var family))
            {
                var type = instrument switch
                {
                    Counter<long> or Counter<int> or Counter<double> => "counter",
                    Histogram<long> or Histogram<int> or Histogram<double> => "histogram",
                    _ => "gauge",
                };
                family = new Family(type, instrument.Description ?? instrument.Name);
                _families[name] = family;
            }

            if (!family.Series.TryGetValue(labels, out var series))
            {
                series = new Series(family.Type == "histogram" ? new long[Buckets.Length] : null);
                family.Series[labels] = series;
            }

            series.Value += value;
            if (series.Buckets is { } buckets)
            {
                series.Count++;
                var index = Array.FindIndex(Buckets, b => value <= b);
                if (index >= 0)
                {
                    buckets[index]++;
                }
            }
        }
    }

    private static string MetricName(Instrument instrument)
    {
        var name = new StringBuilder(instrument.Name.Length + 8);
        foreach (var c in instrument.Name)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        // Units such as "{run}" are annotations, not units; "ms" and "s" are.
        if (instrument.Unit is { Length: > 0 } unit && !unit.StartsWith('{'))
        {
            name.Append('_').Append(unit);
        }

        return name.ToString();
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var key = new string(tag.Key.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
            pairs.Add(key + "=\"" + Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "", help: false) + "\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static void Line(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string value, bool help)
        => help ? value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
                : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class Family(string type, string help)
    {
        public string Type => type;

        public string Help => help;

        public SortedDictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Series(long[]? buckets)
    {
        public double Value { get; set; }

        public long Count { get; set; }

        public long[]? Buckets => buckets;
    }
}

using System.Text;
using System.Text.Json;

namespace Baton.Bench.Harness;

/// <summary>Writes figures to stdout as JSON lines: one object per line, flushed at once, keys in a fixed order.</summary>
internal sealed class FigureWriter
{
    private readonly TextWriter _out;
    private readonly object _gate = new();

    public FigureWriter(TextWriter output)
    {
        _out = output;
    }

    public void Write(Figure figure)
    {
        var line = Format(figure);
        lock (_gate)
        {
            _out.WriteLine(line);
            _out.Flush();
        }
    }

    /// <summary>Passes a line produced by a child process through unchanged.</summary>
    public void WriteRaw(string line)
    {
        lock (_gate)
        {
            _out.WriteLine(line);
            _out.Flush();
        }
    }

    public static string Format(Figure figure)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("suite", figure.Suite);
            json.WriteString("scenario", figure.Scenario);
            json.WriteString("metric", figure.Metric);
            json.WriteNumber("value", Round(figure.Value));
            json.WriteString("unit", figure.Unit);
            if (figure.Peer is not null)
            {
                json.WriteString("peer", figure.Peer);
                if (figure.PeerValue is { } peerValue)
                {
                    json.WriteNumber("peer_value", Round(peerValue));
                }

                if (figure.Ratio is { } ratio)
                {
                    json.WriteNumber("ratio", Round(ratio));
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Four significant digits are more than the noise of this machine allows.</summary>
    private static double Round(double value)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return double.IsFinite(value) ? value : 0;
        }

        var digits = 4 - (int)Math.Floor(Math.Log10(Math.Abs(value))) - 1;
        return digits >= 0 ? Math.Round(value, Math.Min(digits, 15)) : Math.Round(value / Math.Pow(10, -digits)) * Math.Pow(10, -digits);
    }
}

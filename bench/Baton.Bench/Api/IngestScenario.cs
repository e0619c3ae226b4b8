using System.Diagnostics;
using System.Text;
using Baton.Bench.Harness;

namespace Baton.Bench.Api;

/// <summary>
/// Event ingest over HTTP on loopback: one client posts batches of 100 events to <c>POST /e/{key}</c>, one request
/// at a time; each event starts a one-step run. Reports events/s and the request latency (p50, p99) until the
/// events and their runs are durable (the 200 answer).
/// </summary>
internal sealed class IngestScenario : IScenario
{
    private const int BatchSize = 100;

    public string Name => "ingest";

    public async Task RunAsync(ScenarioContext context)
    {
        var batches = context.Size(300, 30);
        var warmup = context.Size(20, 5);
        await using var host = await ApiHost.StartAsync(context, baton => baton.AddFunction<object>(
            "ingested", f => f.OnEvent("bench/ingest"), async ctx => await ctx.Step.Run("one", () => Task.FromResult(1))));

        var latencies = new List<double>(batches);
        var started = 0L;
        for (var b = 0; b < warmup + batches; b++)
        {
            if (b == warmup)
            {
                started = Stopwatch.GetTimestamp();
            }

            using var content = new StringContent(Batch(b), Encoding.UTF8, "application/json");
            var sent = Stopwatch.GetTimestamp();
            using var response = await host.Http.PostAsync(new Uri("/e/bench", UriKind.Relative), content);
            response.EnsureSuccessStatusCode();
            if (b >= warmup)
            {
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var events = batches * BatchSize;
        var latency = Percentiles.Of(latencies);
        context.Log($"{events} events in {batches} requests of {BatchSize} in {elapsed.TotalSeconds:F2} s ({events / elapsed.TotalSeconds:F0}/s); request latency {latency}");
        context.Report("events_per_s", events / elapsed.TotalSeconds, "events/s");
        context.Report("batch_p50", latency.P50, "ms");
        context.Report("batch_p99", latency.P99, "ms");
    }

    private static string Batch(int batch)
    {
        var text = new StringBuilder(BatchSize * 80).Append('[');
        for (var i = 0; i < BatchSize; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("{\"name\":\"bench/ingest\",\"data\":{\"batch\":").Append(batch).Append(",\"item\":").Append(i).Append(",\"sku\":\"SKU-").Append(i).Append("\"}}");
        }

        return text.Append(']').ToString();
    }
}

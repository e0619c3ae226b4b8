using System.Diagnostics;
using Baton.Bench.Harness;

namespace Baton.Bench.Core;

/// <summary>
/// At a steady 100 events/s, the time from <c>SendAsync</c> being called to the run's first step body
/// starting: p50 and p99. Targets: p50 ≤ 2 ms, p99 ≤ 20 ms. The first second is a warm-up and not counted.
/// </summary>
internal sealed class LatencyScenario : IScenario
{
    private const string EventName = "bench/latency";
    private const int EventsPerSecond = 100;

    public string Name => "latency";

    public async Task RunAsync(ScenarioContext context)
    {
        var warmup = EventsPerSecond;
        var measured = EventsPerSecond * context.Size(10, 3);
        var total = warmup + measured;
        var probe = new Probe(total);
        await using var bench = await BatonBench.StartAsync(context, baton => baton.AddFunction<ProbeData>(
            "latency",
            f => f.OnEvent(EventName),
            async ctx =>
            {
                var index = ctx.Data.Index;
                await ctx.Step.Run("first", () =>
                {
                    probe.Started(index);
                    return Task.CompletedTask;
                });
            }));
        using var completed = bench.Count(RunStatus.Completed, total);

        context.Log($"sending {total} events at {EventsPerSecond}/s ({warmup} warm-up)");
        var sends = new List<Task>(total);
        var period = Stopwatch.Frequency / EventsPerSecond;
        var origin = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var wait = origin + (i * period) - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            // The clock starts when SendAsync is called; the send is not awaited so that a slow ack
            // cannot hold back the next event (the rate stays steady).
            var index = i;
            probe.Sent(index);
            sends.Add(bench.Client.SendAsync(new EventMessage(EventName, new ProbeData(index))).ContinueWith(
                t =>
                {
                    t.GetAwaiter().GetResult();
                    probe.Acknowledged(index);
                },
                TaskScheduler.Default));
        }

        var sendingTook = Stopwatch.GetElapsedTime(origin);
        await Task.WhenAll(sends);
        await completed.WhenReachedAsync(TimeSpan.FromMinutes(2));
        context.Log($"sent {total} events in {sendingTook.TotalSeconds:F2} s ({total / sendingTook.TotalSeconds:F1}/s)");

        var start = Percentiles.Of(probe.StartLatencies(warmup));
        var ack = Percentiles.Of(probe.AckLatencies(warmup));
        context.Log($"send → first step: {start}");
        context.Log($"send → acknowledged (durable): {ack}");
        context.Report("p50", start.P50, "ms");
        context.Report("p99", start.P99, "ms");
        context.Report("p90", start.P90, "ms");
        context.Report("max", start.Max, "ms");
        context.Report("ack_p50", ack.P50, "ms");
        context.Report("ack_p99", ack.P99, "ms");
    }

    private sealed record ProbeData(int Index);

    /// <summary>Timestamps per event: sent, acknowledged, first step started.</summary>
    private sealed class Probe(int count)
    {
        private readonly long[] _sent = new long[count];
        private readonly long[] _acknowledged = new long[count];
        private readonly long[] _started = new long[count];

        public void Sent(int index) => _sent[index] = Stopwatch.GetTimestamp();

        public void Acknowledged(int index) => _acknowledged[index] = Stopwatch.GetTimestamp();

        // A step body that runs again (a retry) keeps its first start.
        public void Started(int index) => Interlocked.CompareExchange(ref _started[index], Stopwatch.GetTimestamp(), 0);

        public double[] StartLatencies(int skip) => Between(_sent, _started, skip);

        public double[] AckLatencies(int skip) => Between(_sent, _acknowledged, skip);

        private static double[] Between(long[] from, long[] to, int skip)
            => [.. Enumerable.Range(skip, from.Length - skip).Select(i => Stopwatch.GetElapsedTime(from[i], to[i]).TotalMilliseconds)];
    }
}

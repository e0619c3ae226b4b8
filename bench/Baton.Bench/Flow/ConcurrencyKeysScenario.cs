using System.Diagnostics;
using Baton.Bench.Core;
using Baton.Bench.Harness;

namespace Baton.Bench.Flow;

/// <summary>
/// Single-step runs with a concurrency key over 1,000 distinct keys (limit 10 per key, so the limit rarely binds and
/// the figure is the cost of the flow-controlled claim path), against plain single-step runs measured in the same
/// process, alternating rounds. Target: at least 70 % of the plain rate.
/// </summary>
internal sealed class ConcurrencyKeysScenario : IScenario
{
    private const string PlainEvent = "bench/plain";
    private const string KeyedEvent = "bench/keyed";
    private const int Keys = 1_000;

    public string Name => "concurrency-keys";

    public async Task RunAsync(ScenarioContext context)
    {
        var runs = context.Size(50_000, 5_000);
        var rounds = context.Size(3, 1);
        await MeasureAsync(context, KeyedEvent, context.Size(5_000, 500), "warm-up");
        var plain = new List<Round>();
        var keyed = new List<Round>();
        for (var round = 1; round <= rounds; round++)
        {
            plain.Add(await MeasureAsync(context, PlainEvent, runs, $"plain {round}/{rounds}"));
            keyed.Add(await MeasureAsync(context, KeyedEvent, runs, $"keyed {round}/{rounds}"));
        }

        var plainRate = plain.Select(r => r.Rate).Order().ElementAt(rounds / 2);
        var keyedRate = keyed.Select(r => r.Rate).Order().ElementAt(rounds / 2);
        context.Report("throughput", keyedRate, "runs/s", "plain single-step", plainRate);
        context.Report("ratio_to_plain", keyedRate / plainRate * 100, "%");

        // Each keyed round against the plain round just before it: a burst of load on this shared machine hits both
        // rounds of a pair, where the medians above may come from rounds measured under different loads.
        var paired = plain.Zip(keyed, (p, k) => k.Rate / p.Rate * 100).Order().ToArray();
        context.Log($"keyed / plain per round: {string.Join(", ", paired.Select(r => r.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + " %"))}");
        context.Report("ratio_to_plain_paired", paired[rounds / 2], "%");

        // CPU per run moves far less with the machine's load than wall time: the cost of the keyed path itself
        // (with SQLite this includes the database's work; with PostgreSQL only the client's).
        context.Report("cpu_per_run", keyed.Select(r => r.CpuPerRun).Order().ElementAt(rounds / 2), "us", "plain single-step", plain.Select(r => r.CpuPerRun).Order().ElementAt(rounds / 2));
    }

    private static void Functions(BatonBuilder baton) => baton
        .AddFunction<object>("plain", f => f.OnEvent(PlainEvent), ctx => ctx.Step.Run("noop", () => Task.CompletedTask))
        .AddFunction<object>("keyed", f => f.OnEvent(KeyedEvent).Concurrency(10, "event.data.key"), ctx => ctx.Step.Run("noop", () => Task.CompletedTask));

    private static async Task<Round> MeasureAsync(ScenarioContext context, string eventName, int runs, string label)
    {
        await using var bench = await BatonBench.StartAsync(context, Functions);
        using var completed = bench.Count(RunStatus.Completed, runs);
        var meter = ResourceMeter.Start();
        var started = Stopwatch.GetTimestamp();
        await bench.SendAsync(eventName, runs, i => new { key = "k" + (i % Keys) });
        var finished = await completed.WhenReachedAsync(TimeSpan.FromMinutes(10));
        var usage = meter.Stop();
        var rate = runs / Stopwatch.GetElapsedTime(started, finished).TotalSeconds;
        var elapsed = Stopwatch.GetElapsedTime(started, finished);
        var cpuPerRun = usage.Cpu.TotalMicroseconds / runs;
        context.Log($"{label}: {runs} runs of {eventName} = {rate:F0} runs/s; {usage}; {cpuPerRun:F0} us cpu/run");
        if (bench.Profile is { } profile)
        {
            Console.Error.Write(profile.Describe(elapsed, runs, "run"));
        }

        return new Round(rate, cpuPerRun);
    }

    private readonly record struct Round(double Rate, double CpuPerRun);
}

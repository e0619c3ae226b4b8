using System.Diagnostics;
using System.Text.Json;
using Baton.Bench.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Bench.Api;

/// <summary>
/// The dashboard's runs page API with 100,000 runs stored (3 functions, 10 % failed, one function keyed over 100 keys):
/// <c>GET /api/v1/runs</c> first pages (all, by function, by status, by function and status, by time range, by a key
/// one run in 300 has, which no index serves) and deeper pages through the cursor,
/// 50 runs a page, one request at a time. Target: p99 ≤ 100 ms. Then the overview's chart data
/// (<c>GET /api/v1/stats</c>) over the same runs.
/// </summary>
internal sealed class RunsPageScenario : IScenario
{
    public string Name => "runs-page";

    public async Task RunAsync(ScenarioContext context)
    {
        var runs = context.Size(100_000, 10_000);
        var requests = context.Size(1000, 200);
        await using var host = await ApiHost.StartAsync(context, baton =>
        {
            foreach (var function in new[] { "alpha", "beta", "gamma" })
            {
                baton.AddFunction<Item>(
                    function,
                    f =>
                    {
                        f.OnEvent("bench/" + function).Retries(0);
                        if (function == "gamma")
                        {
                            f.Concurrency(Keys, "event.data.shard");
                        }
                    },
                    ctx => ctx.Data.N % 10 == 0 ? throw new NonRetriableException("failed on purpose") : Task.CompletedTask);
            }
        });

        var client = host.Services.GetRequiredService<IBatonClient>();
        var changes = host.Services.GetRequiredService<ChangeFeed>();
        var finished = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (changes.Subscribe(c =>
        {
            if (c is RunChange { Status: RunStatus.Completed or RunStatus.Failed } && Interlocked.Increment(ref finished) == runs)
            {
                done.TrySetResult();
            }
        }))
        {
            var seeding = Stopwatch.StartNew();
            for (var i = 0; i < runs; i += 1000)
            {
                var batch = Enumerable.Range(i, Math.Min(1000, runs - i))
                    .Select(n => new EventMessage("bench/" + (n % 3 == 0 ? "alpha" : n % 3 == 1 ? "beta" : "gamma"), new Item(n / 3, "s" + (n / 3 % Keys))))
                    .ToArray();
                await client.SendAsync(batch);
            }

            await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
            context.Log($"seeded {runs} runs in {seeding.Elapsed.TotalSeconds:F1} s");
        }

        var inspector = host.Services.GetRequiredService<IBatonInspector>();
        var middle = (await inspector.ListRunsAsync(new RunQuery { Limit = 1, Cursor = null })).Items[0].CreatedAt;
        var from = Uri.EscapeDataString(middle.AddSeconds(-30).ToString("O"));
        var to = Uri.EscapeDataString(middle.AddSeconds(-5).ToString("O"));
        string[] firstPages =
        [
            "/api/v1/runs?limit=50",
            "/api/v1/runs?limit=50&function=beta",
            "/api/v1/runs?limit=50&status=Failed",
            "/api/v1/runs?limit=50&function=gamma&status=Failed",
            "/api/v1/runs?limit=50&status=Completed,Failed",
            $"/api/v1/runs?limit=50&from={from}&to={to}",
            "/api/v1/runs?limit=50&key=s7",
        ];

        var latencies = new List<double>(requests);
        var deep = new List<double>();
        var keyed = new List<double>();
        string? cursor = null;
        for (var r = 0; r < requests; r++)
        {
            // Every other request follows the cursor of the previous "all runs" page (a user paging down).
            var path = r % 2 == 1 && cursor is not null ? "/api/v1/runs?limit=50&cursor=" + cursor : firstPages[(r / 2) % firstPages.Length];
            var sent = Stopwatch.GetTimestamp();
            using var response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStreamAsync();
            using var page = await JsonDocument.ParseAsync(body);
            var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            latencies.Add(ms);
            if (path.Contains("cursor=", StringComparison.Ordinal))
            {
                deep.Add(ms);
            }

            if (path.Contains("key=", StringComparison.Ordinal))
            {
                keyed.Add(ms);
            }

            if (path == firstPages[0] || path.Contains("cursor=", StringComparison.Ordinal))
            {
                cursor = page.RootElement.GetProperty("nextCursor").GetString();
            }
        }

        var all = Percentiles.Of(latencies);
        context.Log($"{requests} runs-page requests over {runs} runs: {all}");
        if (deep.Count > 0)
        {
            context.Log($"cursor pages: {Percentiles.Of(deep)}");
        }

        var keyPages = Percentiles.Of(keyed);
        context.Log($"key-filtered pages: {keyPages}");

        // The overview charts over the same runs (all in the last hour, so every window scans all of them).
        string[] statsPaths = ["/api/v1/stats?minutes=60", "/api/v1/stats?minutes=60&function=beta", "/api/v1/stats?minutes=1440", "/api/v1/stats?minutes=10080"];
        var statsLatencies = new List<double>();
        for (var r = 0; r < Math.Max(requests / 4, 20); r++)
        {
            var sent = Stopwatch.GetTimestamp();
            using var response = await host.Http.GetAsync(new Uri(statsPaths[r % statsPaths.Length], UriKind.Relative));
            await response.Content.ReadAsByteArrayAsync();
            statsLatencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            response.EnsureSuccessStatusCode();
        }

        var stats = Percentiles.Of(statsLatencies);
        context.Log($"{statsLatencies.Count} stats requests over {runs} runs: {stats}");
        context.Report("runs_stored", runs, "runs");
        context.Report("stats_p50", stats.P50, "ms");
        context.Report("stats_p99", stats.P99, "ms");
        context.Report("page_p50", all.P50, "ms");
        context.Report("page_p99", all.P99, "ms");
        context.Report("page_max", all.Max, "ms");
        context.Report("key_page_p99", keyPages.P99, "ms");
    }

    private const int Keys = 100;

    private sealed record Item(int N, string Shard);
}

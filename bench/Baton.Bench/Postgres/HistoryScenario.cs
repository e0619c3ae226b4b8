using System.Diagnostics;
using Baton.Bench.Core;
using Baton.Bench.Harness;
using Npgsql;

namespace Baton.Bench.Postgres;

/// <summary>
/// Does history slow the claim down? Single-step throughput (ingest, claim, step, finish) on a schema that
/// already holds 10,000 finished runs, then on one holding 1,000,000 (each with its event and its completed
/// step), filled with SQL before the clock starts. Target: within 10 %.
/// </summary>
internal sealed class HistoryScenario : IScenario
{
    public string Name => "history";

    public async Task RunAsync(ScenarioContext context)
    {
        var runs = context.Size(20_000, 2_000);
        var (small, large) = (10_000, context.Size(1_000_000, 100_000));
        await Throughput.MeasureAsync(context, SingleStepScenario.EventName, context.Size(2_000, 500), SingleStepScenario.Function, label: "warm-up");
        var withSmall = await Throughput.MeasureAsync(
            context, SingleStepScenario.EventName, runs, SingleStepScenario.Function, label: $"{small:N0} finished runs", prepare: b => SeedAsync(context, b, small));
        var withLarge = await Throughput.MeasureAsync(
            context, SingleStepScenario.EventName, runs, SingleStepScenario.Function, label: $"{large:N0} finished runs", prepare: b => SeedAsync(context, b, large));
        context.Report($"throughput_{small}", withSmall.RunsPerSecond, "runs/s");
        context.Report($"throughput_{large}", withLarge.RunsPerSecond, "runs/s");
        context.Report("large_vs_small", withLarge.RunsPerSecond / withSmall.RunsPerSecond, "ratio");
    }

    /// <summary>Inserts <paramref name="count"/> completed runs with their events and steps, then analyzes the tables.</summary>
    private static async Task SeedAsync(ScenarioContext context, BatonBench bench, int count)
    {
        var schema = (PostgresBenchStore.Schema)bench.Database;
        var s = "\"" + schema.Name + "\"";
        var clock = Stopwatch.StartNew();
        const string empty = "{}";
        var trigger = "{\"name\":\"" + SingleStepScenario.EventName + "\",\"data\":{}}";
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        await using var connection = new NpgsqlConnection(schema.ConnectionString);
        await connection.OpenAsync();
        string[] statements =
        [
            $"""
            INSERT INTO {s}.events (id, name, data, ts, received_at)
            SELECT 'hist-e-' || g, '{SingleStepScenario.EventName}', '{empty}', {at}, {at} FROM generate_series(1, {count}) g
            """,
            $"""
            INSERT INTO {s}.runs (id, function_id, status, trigger, event_id, created_at, started_at, finished_at, due_at, lease_token, claims, output)
            SELECT 'hist-r-' || g, 'single-step', 4, '{trigger}', 'hist-e-' || g, {at}, {at}, {at}, NULL, 1, 1, 'null'
            FROM generate_series(1, {count}) g
            """,
            $"""
            INSERT INTO {s}.steps (run_id, step_id, name, position, kind, status, attempts, started_at, finished_at, output)
            SELECT 'hist-r-' || g, 'noop', 'noop', 0, 0, 0, 1, {at}, {at}, 'null' FROM generate_series(1, {count}) g
            """,
            $"VACUUM ANALYZE {s}.events",
            $"VACUUM ANALYZE {s}.runs",
            $"VACUUM ANALYZE {s}.steps",
        ];
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1200 };
            await command.ExecuteNonQueryAsync();
        }

        context.Log($"seeded {count:N0} finished runs (with events and steps) in {clock.Elapsed.TotalSeconds:F1} s");
    }
}

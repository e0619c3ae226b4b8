using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Baton.Postgres.Tests.MultiProcess;

/// <summary>
/// Issue 3's flow-control proof: three worker processes on one PostgreSQL database run 5,000 single-step runs over
/// 50 keys with a concurrency limit of 2 per key. Every step journals its entry and exit on the machine's monotonic
/// clock (shared by all processes), so the test replays the whole timeline: at no instant were more than 2 steps of
/// a key executing, across all workers.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class FlowConcurrencyProofTests
{
    private const string FunctionId = "proof/flow";
    private const string EventName = "proof/flow";
    private const int Workers = 3;
    private const int Keys = 50;
    private const int Limit = 2;
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task ThreeWorkers_ConcurrencyTwoPerKey_NeverMoreThanTwoStepsOfAKeyInFlight()
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("BATON_FLOW_PROOF_RUNS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 5000;
        var server = await PostgresServer.Shared;
        var schema = PostgresServer.NewSchema();
        var folder = Directory.CreateTempSubdirectory("baton-flow-proof-");
        var stopwatch = Stopwatch.StartNew();

        // The sender computes each run's key at ingest, so it registers the function with the same flow control.
        await using var sender = await BatonTestHost.StartAsync(
            b => b.AddFunction<object>(FunctionId, f => f.OnEvent(EventName).Concurrency(Limit, "event.data.key"), _ => Task.CompletedTask).Configure(o => o.RunWorker = false),
            time: new FakeTimeProvider(DateTimeOffset.UtcNow),
            useStore: b => b.UsePostgres(server.ConnectionString, o => o.Schema = schema));

        var lines = Channel.CreateUnbounded<WorkerLine>();
        var workers = new List<WorkerProcess>();
        try
        {
            for (var slot = 0; slot < Workers; slot++)
            {
                workers.Add(WorkerProcess.Start(slot, Path.Combine(folder.FullName, $"journal-{slot}.txt"), lines.Writer, "--postgres", server.ConnectionString, "--schema", schema, "--flow", "1"));
            }

            for (var from = 0; from < runs; from += 500)
            {
                await sender.Client.SendAsync(Enumerable.Range(from, Math.Min(500, runs - from)).Select(i => new EventMessage(EventName, new { key = $"k{i % Keys}" })).ToArray());
            }

            var stepsDone = 0;
            while (stepsDone < runs)
            {
                Assert.True(stopwatch.Elapsed < Guard, $"Not done within {Guard}: {stepsDone} of {runs} steps done.\n{string.Join("\n", workers.Select(w => w.Transcript))}");
                Assert.All(workers, w => Assert.False(w.HasExited, $"A worker exited on its own.\n{w.Transcript}"));
                using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    var line = await lines.Reader.ReadAsync(quiet.Token);
                    stepsDone += line.Text.StartsWith("STEP-DONE ", StringComparison.Ordinal) ? 1 : 0;
                }
                catch (OperationCanceledException)
                {
                }
            }

            // Every run completes (the last finishes are committed just after their step's line).
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync();
                while (true)
                {
                    await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {schema}.runs WHERE function_id = '{FunctionId}' AND status = 4", connection);
                    if ((long)(await count.ExecuteScalarAsync())! == runs)
                    {
                        break;
                    }

                    Assert.True(stopwatch.Elapsed < Guard, "The runs did not all complete.");

                    // Paced like the wait above: by the workers' lines, or a short quiet spell.
                    using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                    try
                    {
                        await lines.Reader.ReadAsync(quiet.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }

        // Replay the timeline per key: +1 at each entry, −1 at each exit; at equal instants entries count first.
        var events = workers.SelectMany(w => File.ReadLines(w.JournalPath))
            .Select(l => l.Split(' '))
            .Select(p => (Key: p[1], Run: p[2], At: long.Parse(p[3], CultureInfo.InvariantCulture), Delta: p[0] == "enter" ? 1 : -1))
            .ToArray();
        Assert.Equal(runs, events.Count(e => e.Delta == 1));
        Assert.Equal(runs, events.Select(e => e.Run).Distinct().Count());
        var maxByKey = events.GroupBy(e => e.Key).ToDictionary(
            g => g.Key,
            g =>
            {
                var inFlight = 0;
                var max = 0;
                foreach (var e in g.OrderBy(e => e.At).ThenByDescending(e => e.Delta))
                {
                    inFlight += e.Delta;
                    max = Math.Max(max, inFlight);
                }

                return max;
            });
        Assert.Equal(Keys, maxByKey.Count);
        Assert.All(maxByKey, p => Assert.True(p.Value <= Limit, $"key {p.Key} had {p.Value} steps in flight at once"));

        // The limit was used, not just respected: keys did run two at a time.
        Assert.Contains(maxByKey.Values, v => v == Limit);
        folder.Delete(recursive: true);
    }
}

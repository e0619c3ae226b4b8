using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Baton.Postgres.Tests.MultiProcess;

/// <summary>
/// Issue 3's multi-process proof: three worker processes on one PostgreSQL database, SIGKILLed again and again and
/// with the server restarted under them, still complete every run with each step's result recorded exactly once.
/// Sizes come from <c>BATON_PROOF_RUNS</c>, <c>BATON_PROOF_KILLS</c> and <c>BATON_PROOF_CRON_TICKS</c> for local stress runs.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class MultiProcessProofTests(ITestOutputHelper output)
{
    private const string FunctionId = "proof/five-steps";
    private const string EventName = "proof/requested";
    private const string CronFunctionId = "proof/every-second";
    private const int Workers = 3;
    private const int Chunk = 100;
    private static readonly string[] StepIds = ["s1", "s2", "s3", "s4", "s5"];
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task ThreeWorkers_KilledRepeatedlyAndDatabaseRestarted_EveryRunCompletesWithEachStepRecordedOnce()
    {
        var runs = Setting("BATON_PROOF_RUNS", 2000);
        var kills = Setting("BATON_PROOF_KILLS", 20);
        var server = await PostgresServer.Shared;
        var schema = PostgresServer.NewSchema();
        var folder = Directory.CreateTempSubdirectory("baton-proof-");
        var markers = Directory.CreateDirectory(Path.Combine(folder.FullName, "markers")).FullName;
        var stopwatch = Stopwatch.StartNew();

        // The sender routes events (so it registers the same function and trigger) but runs no worker: its fake clock
        // only stamps the events and runs it creates, at the real time the test started, so they are due at once.
        await using var sender = await BatonTestHost.StartAsync(
            b => b.AddFunction<ProofRequest>(FunctionId, f => f.OnEvent(EventName), _ => Task.CompletedTask).Configure(o => o.RunWorker = false),
            time: new FakeTimeProvider(DateTimeOffset.UtcNow),
            useStore: b => b.UsePostgres(server.ConnectionString, o => o.Schema = schema));

        var lines = Channel.CreateUnbounded<WorkerLine>();
        var workers = new WorkerProcess?[Workers];
        var all = new List<WorkerProcess>();
        var generation = 0;
        WorkerProcess StartWorker(int slot)
        {
            var journal = Path.Combine(folder.FullName, $"journal-{slot}-{generation++}.txt");
            var worker = WorkerProcess.Start(slot, journal, lines.Writer, "--postgres", server.ConnectionString, "--schema", schema, "--markers", markers);
            all.Add(worker);
            return workers[slot] = worker;
        }

        try
        {
            for (var slot = 0; slot < Workers; slot++)
            {
                StartWorker(slot);
            }

            // Events go out in chunks paced by the steps done, so the last ones are sent after the restart and some
            // sends meet the restart itself (a failed send is repeated with the same event id: never a second run).
            var expectedSteps = runs * StepIds.Length;
            var sendThreshold = Math.Max(1, expectedSteps * 2 / 3 / Math.Max(1, (runs + Chunk - 1) / Chunk));
            var killEvery = Math.Max(1, expectedSteps / (kills + 3));
            var restartAt = expectedSteps / 2;
            var chunks = Channel.CreateUnbounded<int>();
            var restarting = 0;
            var acceptedBeforeRestart = new List<string>();
            var sending = SendChunksAsync(sender.Client, chunks.Reader, runs, () => Volatile.Read(ref restarting) == 0, acceptedBeforeRestart);
            var nextChunk = 0;
            chunks.Writer.TryWrite(nextChunk++);

            var random = new Random(20260101);
            var stepsDone = 0;
            var killed = new List<int>();
            var restarted = false;
            var restartWindow = new RestartWindow();
            var survivorsOfRestart = new HashSet<WorkerProcess>();
            var stepsAfterRestart = new Dictionary<WorkerProcess, int>();
            var finished = 0L;
            while (true)
            {
                Assert.True(stopwatch.Elapsed < Guard, $"Not done within {Guard}: {finished} of {runs} runs finished, {stepsDone} steps done.\n{Transcripts(all)}");
                Assert.All(all, w => Assert.False(w.HasExited && !w.Killed, $"A worker exited on its own.\n{w.Transcript}"));

                // Each turn waits for a worker's line (bounded), then looks at the database when the workers fall quiet.
                using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                WorkerLine? line = null;
                try
                {
                    line = await lines.Reader.ReadAsync(quiet.Token);
                }
                catch (OperationCanceledException)
                {
                }

                if (line is { } received && received.Text.StartsWith("STEP-DONE ", StringComparison.Ordinal))
                {
                    stepsDone++;
                    if (restarted && survivorsOfRestart.Contains(received.Worker))
                    {
                        stepsAfterRestart[received.Worker] = stepsAfterRestart.GetValueOrDefault(received.Worker) + 1;
                    }

                    if (nextChunk * Chunk < runs && stepsDone >= nextChunk * sendThreshold)
                    {
                        chunks.Writer.TryWrite(nextChunk++);
                    }

                    if (!restarted && stepsDone >= restartAt)
                    {
                        restarted = true;
                        Interlocked.Exchange(ref restarting, 1);
                        survivorsOfRestart.UnionWith(workers.Where(w => w is { HasExited: false })!);
                        var restartWatch = Stopwatch.StartNew();
                        restartWindow.From = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                        await server.RestartAsync();
                        restartWindow.To = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

                        // The test's own pooled connections died with the server; the workers must find that out themselves.
                        NpgsqlConnection.ClearAllPools();
                        output.WriteLine($"PostgreSQL restarted in {restartWatch.Elapsed.TotalSeconds:F1} s at step {stepsDone}");
                    }

                    if (killed.Count < kills + 2 && stepsDone % killEvery == 0)
                    {
                        var slot = random.Next(Workers);
                        var victim = workers[slot]!;
                        await victim.KillAsync();
                        killed.Add(victim.Pid);
                        StartWorker(slot);
                    }
                }

                if (line is null || stepsDone % 500 == 0)
                {
                    finished = await CountAsync(server.ConnectionString, $"SELECT COUNT(*) FROM {schema}.runs WHERE function_id = '{FunctionId}' AND finished_at IS NOT NULL");
                    if (finished >= runs && sending.IsCompleted)
                    {
                        break;
                    }
                }
            }

            await sending;
            Assert.Equal(runs, finished);
            output.WriteLine($"{runs} runs, {stepsDone} steps done, {killed.Count} kills, 1 restart, in {stopwatch.Elapsed.TotalSeconds:F0} s");

            // Every worker still alive when the server went down reconnected: it did steps after the restart (unless
            // it was killed before it could).
            Assert.True(restarted);
            Assert.All(survivorsOfRestart, w => Assert.True(stepsAfterRestart.GetValueOrDefault(w) > 0 || w.Killed, $"No steps after the restart.\n{w.Transcript}"));
            Assert.True(killed.Count >= kills, $"only {killed.Count} kills");

            // Every worker is stopped before the books are read, so nothing changes under the checks.
            foreach (var worker in all)
            {
                await worker.DisposeAsync();
            }

            await AssertDatabaseAsync(server.ConnectionString, schema, runs, acceptedBeforeRestart);
            AssertJournals(all, killed, restartWindow, await StepOwnersAsync(server.ConnectionString, schema));
        }
        finally
        {
            foreach (var worker in all)
            {
                await worker.DisposeAsync();
            }

            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CronEverySecond_OnThreeWorkers_FiresExactlyOneRunPerTick()
    {
        var ticks = Setting("BATON_PROOF_CRON_TICKS", 30);
        var server = await PostgresServer.Shared;
        var schema = PostgresServer.NewSchema();
        var folder = Directory.CreateTempSubdirectory("baton-cron-");
        var lines = Channel.CreateUnbounded<WorkerLine>();
        var workers = new List<WorkerProcess>();
        try
        {
            for (var slot = 0; slot < Workers; slot++)
            {
                workers.Add(WorkerProcess.Start(slot, Path.Combine(folder.FullName, $"journal-{slot}.txt"), lines.Writer, "--postgres", server.ConnectionString, "--schema", schema, "--cron", "1"));
            }

            // Paced by the ticks the workers execute: each tick's run prints one STEP-DONE line (guarded in real time).
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(ticks * 3 + 60));
            var done = 0;
            while (done < ticks + 2)
            {
                var line = await lines.Reader.ReadAsync(guard.Token);
                Assert.All(workers, w => Assert.False(w.HasExited, $"A worker exited on its own.\n{w.Transcript}"));
                done += line.Text.StartsWith("STEP-DONE ", StringComparison.Ordinal) ? 1 : 0;
            }

            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            var perTick = new List<(long Tick, long Runs, long Completed)>();
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    $"SELECT event_id, COUNT(*), COUNT(*) FILTER (WHERE status = {(int)RunStatus.Completed}) FROM {schema}.runs WHERE function_id = '{CronFunctionId}' GROUP BY event_id",
                    connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    // Tick event ids are "cron:<function>:<trigger>:<tick in Unix ms>".
                    var id = reader.GetString(0);
                    perTick.Add((long.Parse(id[(id.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture), reader.GetInt64(1), reader.GetInt64(2)));
                }
            }

            perTick.Sort();
            output.WriteLine($"{perTick.Count} ticks from {DateTimeOffset.FromUnixTimeMilliseconds(perTick[0].Tick):O} to {DateTimeOffset.FromUnixTimeMilliseconds(perTick[^1].Tick):O}");

            // Three nodes fired every tick; deduplication by the tick's event id left one run each.
            Assert.All(perTick, t => Assert.Equal(1, t.Runs));
            Assert.True(perTick.Count >= ticks, $"only {perTick.Count} ticks");

            // Whole seconds with no gap: all three nodes fire every second, so a missing second would mean a tick lost
            // cluster-wide. The first and last ticks need no tolerance: the span is measured between the ticks seen.
            Assert.All(perTick, t => Assert.Equal(0, t.Tick % 1000));
            Assert.Equal(perTick.Count - 1, (perTick[^1].Tick - perTick[0].Tick) / 1000);

            // The runs of all but the last ticks completed (the last may have been in flight when the workers were killed).
            Assert.All(perTick.SkipLast(Workers), t => Assert.Equal(1, t.Completed));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            folder.Delete(recursive: true);
        }
    }

    private static async Task SendChunksAsync(IBatonClient client, ChannelReader<int> chunks, int runs, Func<bool> beforeRestart, List<string> acceptedBeforeRestart)
    {
        var sent = 0;
        await foreach (var chunk in chunks.ReadAllAsync())
        {
            var messages = Enumerable.Range(chunk * Chunk, Math.Min(Chunk, runs - (chunk * Chunk)))
                .Select(i => new EventMessage(EventName, new ProofRequest(i, Sleep: i % 5 == 1, FailOnce: i % 7 == 3)) { Id = $"proof-{i}" })
                .ToArray();
            for (var attempt = 1; ; attempt++)
            {
                // Read before the send: an acknowledgement counts as "before the restart" only if the send began before it.
                var before = beforeRestart();
                try
                {
                    await client.SendAsync(messages);
                    if (before && beforeRestart())
                    {
                        acceptedBeforeRestart.AddRange(messages.Select(m => m.Id!));
                    }

                    break;
                }
                catch (Exception e) when (attempt < 20 && e is StorageException or NpgsqlException or InvalidOperationException)
                {
                    // The database is restarting: the writer already waited out its backoff; try again a little later.
                    await Task.Delay(TimeSpan.FromMilliseconds(500));
                }
            }

            sent += messages.Length;
            if (sent >= runs)
            {
                return;
            }
        }
    }

    private static async Task AssertDatabaseAsync(string connectionString, string schema, int runs, List<string> acceptedBeforeRestart)
    {
        // Every run completed (none left running, queued or failed), one run per event.
        Assert.Equal(runs, await CountAsync(connectionString, $"SELECT COUNT(*) FROM {schema}.runs WHERE function_id = '{FunctionId}' AND status = {(int)RunStatus.Completed}"));
        Assert.Equal(runs, await CountAsync(connectionString, $"SELECT COUNT(*) FROM {schema}.runs"));
        Assert.Equal(runs, await CountAsync(connectionString, $"SELECT COUNT(DISTINCT event_id) FROM {schema}.runs"));
        Assert.Equal(0, await CountAsync(connectionString, $"SELECT COUNT(*) FROM {schema}.runs WHERE lease_owner IS NOT NULL OR due_at IS NOT NULL"));

        // Every event acknowledged before the restart has its run.
        Assert.NotEmpty(acceptedBeforeRestart);
        var ids = string.Join(',', acceptedBeforeRestart.Select(id => $"'{id}'"));
        Assert.Equal(acceptedBeforeRestart.Count, await CountAsync(connectionString, $"SELECT COUNT(*) FROM {schema}.runs WHERE event_id IN ({ids})"));

        // One recorded result per (run, step) (the primary key), every one completed, all five steps of every run.
        Assert.Equal(0, await CountAsync(connectionString, $"SELECT COUNT(*) FROM {schema}.steps WHERE status <> {(int)StepStatus.Completed}"));
        Assert.Equal(runs * StepIds.Length, await CountAsync(connectionString, $"SELECT COUNT(*) FROM {schema}.steps WHERE step_id IN ('s1','s2','s3','s4','s5')"));
        Assert.Equal(Enumerable.Range(0, runs).Count(i => i % 5 == 1), await CountAsync(connectionString, $"SELECT COUNT(*) FROM {schema}.steps WHERE step_id = 'nap'"));
    }

    /// <summary>Which process computed each recorded step result (the step's output names it).</summary>
    private static async Task<Dictionary<(string Run, string Step), int>> StepOwnersAsync(string connectionString, string schema)
    {
        var owners = new Dictionary<(string, string), int>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT run_id, step_id, output FROM {schema}.steps WHERE step_id <> 'nap'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // Output is the JSON string "<step> by <pid>".
            var output = reader.GetString(2).Trim('"');
            owners[(reader.GetString(0), reader.GetString(1))] = int.Parse(output[(output.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return owners;
    }

    private void AssertJournals(List<WorkerProcess> workers, List<int> killed, RestartWindow restart, Dictionary<(string Run, string Step), int> owners)
    {
        var executions = new Dictionary<(string Run, string Step), List<int>>();
        var started = new Dictionary<(string Run, string Step), List<long>>();
        var failures = new Dictionary<(string Run, string Step), int>();
        foreach (var worker in workers.Where(w => File.Exists(w.JournalPath)))
        {
            foreach (var line in File.ReadLines(worker.JournalPath))
            {
                var parts = line.Split(' ');
                var key = (parts[1], parts[2]);
                var pid = int.Parse(parts[3], CultureInfo.InvariantCulture);
                Assert.Equal(worker.Pid, pid);
                if (parts[0] == "exec")
                {
                    (executions.TryGetValue(key, out var list) ? list : executions[key] = []).Add(pid);
                    (started.TryGetValue(key, out var times) ? times : started[key] = []).Add(long.Parse(parts[4], CultureInfo.InvariantCulture) - restart.From);
                }
                else
                {
                    Assert.Equal("fail", parts[0]);
                    failures[key] = failures.GetValueOrDefault(key) + 1;
                }
            }
        }

        var killedPids = killed.ToHashSet();
        Assert.Equal(owners.Count, executions.Count);
        foreach (var (key, pids) in executions)
        {
            // At least once: the recorded result came from an execution by the process it names.
            Assert.Contains(owners[key], pids);

            // At most (failed attempts + kills that hit it in flight + 1): every extra execution is explained by a
            // deliberate failure or by a killed process that had started it.
            var kills = pids.Distinct().Count(killedPids.Contains);
            var extra = pids.Count - failures.GetValueOrDefault(key) - 1;
            Assert.True(extra <= kills, $"{key} ran {pids.Count} times (by {string.Join(',', pids)} at {string.Join(',', started[key])} ms from the restart, which took {restart.To - restart.From} ms), {failures.GetValueOrDefault(key)} failed on purpose, killed pids among them: {kills}");
        }

        var max = executions.Values.Max(p => p.Count);
        output.WriteLine(
            $"{executions.Count} steps; executions: {executions.Values.Sum(p => p.Count)}, failures on purpose: {failures.Values.Sum()}, "
            + $"steps executed more than once: {executions.Count(e => e.Value.Count > 1)}, max executions of one step: {max}");
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static int Setting(string name, int defaultValue)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : defaultValue;

    private static string Transcripts(IEnumerable<WorkerProcess> workers) => string.Join("\n\n", workers.Select(w => w.Transcript));

    private sealed class RestartWindow
    {
        public long From { get; set; }

        public long To { get; set; }
    }

    /// <summary>The shape of the worker's proof payload (Baton.TestWorker/Proof.cs).</summary>
    private sealed record ProofRequest(int Index, bool Sleep, bool FailOnce);
}

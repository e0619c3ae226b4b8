using Baton.Storage;
using Baton.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Tests.Inspection;

/// <summary>
/// Chart counts and the change feed are read from the store: a host sees what other hosts committed, and what was
/// committed before it started. (On PostgreSQL, as every test here, all hosts share one schema.)
/// </summary>
public sealed class StoredStatsAndChangesTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    [Fact]
    public async Task GetRunStats_RunsOfOtherHostsBeforeARestart_AreCountedPerBucket()
    {
        var (useStore, path) = SharedStore();
        var time = new FakeTimeProvider(Start);
        try
        {
            // An API-only host takes the events; nobody works until 90 s later, so each run waits 90 s for its start.
            string[] runIds;
            await using (var ingest = await StartAsync(path, time, useStore, worker: false))
            {
                runIds = [
                    await ingest.WaitForRunOfEventAsync(await ingest.SendAsync("q"), "quick"),
                    await ingest.WaitForRunOfEventAsync(await ingest.SendAsync("n"), "nap"),
                    await ingest.WaitForRunOfEventAsync(await ingest.SendAsync("b"), "boom"),
                ];
            }

            time.Advance(TimeSpan.FromSeconds(90));
            await using (var worker = await StartAsync(path, time, useStore, worker: true))
            {
                Assert.Equal(RunStatus.Completed, (await worker.WaitForRunAsync(runIds[0])).Status);
                Assert.Equal(RunStatus.Failed, (await worker.WaitForRunAsync(runIds[2])).Status);
                await worker.WaitForStatusAsync(runIds[1], RunStatus.Sleeping);
                worker.Advance(TimeSpan.FromMinutes(5));
                Assert.Equal(RunStatus.Completed, (await worker.WaitForRunAsync(runIds[1])).Status);
            }

            await using var reader = await StartAsync(path, time, useStore, worker: false);
            var all = await reader.Inspector.GetRunStatsAsync(new RunStatsQuery { From = Start, To = Start.AddMinutes(10), Bucket = TimeSpan.FromMinutes(1) });
            var nap = await reader.Inspector.GetRunStatsAsync(new RunStatsQuery { FunctionId = "nap", From = Start, To = Start.AddMinutes(10), Bucket = TimeSpan.FromMinutes(1) });

            Assert.Equal(Enumerable.Range(0, 10).Select(i => Start.AddMinutes(i)), all.Select(b => b.At));
            Assert.Equal(new RunStatsBucket(Start.AddMinutes(1), 3, 1, 1, 0, 90_000, 90_000), all[1]);
            Assert.Equal(new RunStatsBucket(Start.AddMinutes(6), 0, 1, 0, 0, null, null), all[6]);
            Assert.All(all.Where((_, i) => i is not 1 and not 6), b => Assert.Equal(RunStatsBucket.Empty(b.At), b));
            Assert.Equal(new RunStatsBucket(Start.AddMinutes(1), 1, 0, 0, 0, 90_000, 90_000), nap[1]);
            Assert.Equal(new RunStatsBucket(Start.AddMinutes(6), 0, 1, 0, 0, null, null), nap[6]);
            Assert.Equal(2, nap.Sum(b => b.Started + b.Completed));
        }
        finally
        {
            Delete(path);
        }
    }

    [Theory]
    [InlineData(0, 1000, "To")]
    [InlineData(60, 999, "Bucket")]
    [InlineData(60, -1000, "Bucket")]
    [InlineData(60 * 24 * 30, 1000, "Bucket")]
    public async Task GetRunStats_BadQuery_ThrowsNamingIt(int minutes, int bucketMs, string name)
    {
        await using var host = await BatonTestHost.StartAsync(Configure);
        var query = new RunStatsQuery { From = Start, To = Start.AddMinutes(minutes), Bucket = TimeSpan.FromMilliseconds(bucketMs) };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.Inspector.GetRunStatsAsync(query));
        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public async Task ReadChanges_RunExecutedByAnotherHost_IsReadInCommitOrder()
    {
        var (useStore, path) = SharedStore();
        var time = new FakeTimeProvider(Start);
        try
        {
            await using var reader = await StartAsync(path, time, useStore, worker: false);
            await using var worker = await StartAsync(path, time, useStore, worker: true);
            var cursor = (await reader.Inspector.ReadChangesAsync(null)).Next;

            var run = await worker.SendAndWaitAsync("q", functionId: "quick");
            var changes = new List<BatonChange>();
            using var timeout = new CancellationTokenSource(reader.WaitTimeout);
            while (!changes.Any(c => c is RunChange { Status: RunStatus.Completed }))
            {
                // On PostgreSQL a change is readable once every older transaction has ended; read again until it is.
                timeout.Token.ThrowIfCancellationRequested();
                var page = await reader.Inspector.ReadChangesAsync(cursor, 2);
                changes.AddRange(page.Changes);
                cursor = page.Next;
                await Task.Yield();
            }

            // A run leased at ingest is created Running; otherwise it is created Queued and then claimed.
            Assert.Contains(changes[0], new BatonChange[] { new RunChange(run.Id, "quick", RunStatus.Queued), new RunChange(run.Id, "quick", RunStatus.Running) });
            Assert.Equal(
                [new RunChange(run.Id, "quick", RunStatus.Running), new StepChange(run.Id, "a", StepStatus.Completed),
                    new StepChange(run.Id, "b", StepStatus.Completed), new RunChange(run.Id, "quick", RunStatus.Completed)],
                changes.SkipWhile(c => c == new RunChange(run.Id, "quick", RunStatus.Queued)));
        }
        finally
        {
            Delete(path);
        }
    }

    [Fact]
    public async Task PruneChanges_KeepsTheNewest()
    {
        await using var host = await BatonTestHost.StartAsync(Configure);
        var store = host.Services.GetRequiredService<IBatonStore>();
        var first = await host.SendAndWaitAsync("q", functionId: "quick");
        var second = await host.SendAndWaitAsync("q", functionId: "quick");

        // Runs leased at ingest start out Running (one change fewer than Queued then Running): count what is there.
        var before = await ReadUntilAsync(store, new RunChange(second.Id, "quick", RunStatus.Completed), host.WaitTimeout);
        var deleted = await store.PruneChangesAsync(2, CancellationToken.None);
        var left = await ReadUntilAsync(store, new RunChange(second.Id, "quick", RunStatus.Completed), host.WaitTimeout);

        Assert.Equal(before.Count - 2, deleted);
        Assert.Equal([new StepChange(second.Id, "b", StepStatus.Completed), new RunChange(second.Id, "quick", RunStatus.Completed)], left);
        Assert.NotEqual(first.Id, second.Id);
    }

    /// <summary>Reads the feed from its start until <paramref name="last"/> has been read.</summary>
    private static async Task<List<BatonChange>> ReadUntilAsync(IBatonStore store, BatonChange last, TimeSpan bound)
    {
        var read = new List<BatonChange>();
        var cursor = new ChangeCursor(0, 0);
        using var timeout = new CancellationTokenSource(bound);
        while (!read.Contains(last))
        {
            // On PostgreSQL a change is readable once every older transaction (of any test on the cluster) has ended.
            timeout.Token.ThrowIfCancellationRequested();
            var page = await store.ReadChangesAsync(cursor, 100, CancellationToken.None);
            read.AddRange(page.Changes);
            cursor = page.Next;
            await Task.Yield();
        }

        return read;
    }

    private static void Configure(BatonBuilder b) => b
        .AddFunction<object>("quick", f => f.OnEvent("q"), async ctx =>
        {
            await ctx.Step.Run("a", () => Task.FromResult(1));
            await ctx.Step.Run("b", () => Task.FromResult(2));
        })
        .AddFunction<object>("nap", f => f.OnEvent("n"), async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(5)))
        .AddFunction<object>("boom", f => f.OnEvent("b").Retries(0), _ => throw new NonRetriableException("boom"));

    private static Task<BatonTestHost> StartAsync(string? path, FakeTimeProvider time, Action<BatonBuilder>? useStore, bool worker)
        => BatonTestHost.StartAsync(b => Configure(b.Configure(o => o.RunWorker = worker)), databasePath: path, time: time, useStore: useStore);

    private static (Action<BatonBuilder>? UseStore, string? Path) SharedStore()
    {
        var useStore = BatonTestHost.DefaultStore?.Invoke();
        return useStore is null ? (null, Path.Combine(Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N") + ".db")) : (useStore, null);
    }

    private static void Delete(string? path)
    {
        if (path is null)
        {
            return;
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}

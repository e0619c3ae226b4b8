using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Tests.Resources;

/// <summary>Budget state lives in the store: it is shared by every node and survives a restart.</summary>
public sealed class SharedBudgetTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    [Fact]
    public async Task Budget_AfterRestart_KeepsItsUseAndQueue()
    {
        var (useStore, path) = SharedStore();
        var time = new FakeTimeProvider(Start);
        try
        {
            await using (var first = await BatonTestHost.StartAsync(Configure, databasePath: path, time: time, useStore: useStore))
            {
                await first.StartRunAsync("go", null, "f");
                await first.DriveUntilFinishedAsync("f", 1);
            }

            await using var second = await BatonTestHost.StartAsync(Configure, databasePath: path, time: time, useStore: useStore);
            var before = Assert.Single(await second.Inspector.GetResourcesAsync());
            var runId = await second.StartRunAsync("go", null, "f");
            var parked = await second.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > time.GetUtcNow());

            // The rate's state survived: the first host's last call was at 1 s, so the next slot is at 2 s.
            Assert.Equal(2, before.QuotaUsed);
            Assert.Equal(Start + TimeSpan.FromSeconds(2), parked.DueAt);

            // So did the quota's: one unit was left in the hour; the first step takes it, the second waits for the next window.
            second.Advance(parked.DueAt!.Value - time.GetUtcNow());
            var waiting = await second.WaitForRunAsync(runId, r => r.Status == RunStatus.Queued && r.DueAt > Start + TimeSpan.FromSeconds(2));
            Assert.Equal(Start + TimeSpan.FromHours(1), waiting.DueAt);
        }
        finally
        {
            Delete(path);
        }

        static void Configure(BatonBuilder b) => b
            .AddResource("api", r => r.PerSecond(1).Quota(3, TimeSpan.FromHours(1)))
            .AddFunction<object>("f", f => f.OnEvent("go"), async ctx =>
            {
                await ctx.Step.Run("one", () => Task.CompletedTask, resource: "api");
                await ctx.Step.Run("two", () => Task.CompletedTask, resource: "api");
            });
    }

    [Fact]
    public async Task Budget_TwoNodes_TogetherNeverExceedTheRate()
    {
        var (useStore, path) = SharedStore();
        var time = new FakeTimeProvider(Start);
        var calls = new List<DateTimeOffset>();
        void Configure(BatonBuilder b) => b
            .AddResource("api", r => r.PerSecond(4))
            .AddFunction<object>("f", f => f.OnEvent("go"), async ctx =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await ctx.Step.Run("call", () =>
                    {
                        lock (calls)
                        {
                            calls.Add(time.GetUtcNow());
                        }

                        return Task.CompletedTask;
                    }, resource: "api");
                }
            });
        try
        {
            await using var a = await BatonTestHost.StartAsync(Configure, databasePath: path, time: time, useStore: useStore);
            await using var b = await BatonTestHost.StartAsync(Configure, databasePath: path, time: time, useStore: useStore);
            for (var i = 0; i < 12; i++)
            {
                await (i % 2 == 0 ? a : b).SendAsync("go");
            }

            var runs = await ClockDriver.DriveUntilFinishedAsync([a, b], "f", 12);

            Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
            List<DateTimeOffset> made;
            lock (calls)
            {
                made = [.. calls.Order()];
            }

            Assert.Equal(60, made.Count);

            // Rate 4/s with burst 1: calls are at least 250 ms apart, whichever node made them.
            Assert.All(made.Zip(made.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromMilliseconds(250), $"{p.First:O} then {p.Second:O}"));
        }
        finally
        {
            Delete(path);
        }
    }

    /// <summary>One store for several hosts: the suite's provider (a PostgreSQL schema) when set, else one SQLite file.</summary>
    private static (Action<BatonBuilder>? UseStore, string? Path) SharedStore()
    {
        var useStore = BatonTestHost.DefaultStore?.Invoke();
        return useStore is null ? (null, System.IO.Path.Combine(System.IO.Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N") + ".db")) : (useStore, null);
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

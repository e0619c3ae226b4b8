using Baton.Sqlite.Tests.Fixtures;
using Baton.Storage;
using Baton.Testing;

namespace Baton.Sqlite.Tests.Invariants;

/// <summary>
/// Invariant 4: no run stays "running" forever; every run ends completed, failed or cancelled, unless it is
/// sleeping or waiting by design.
/// </summary>
public sealed class NoEndlessRunTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClaimedRun_WorkerVanishes_RunIsRescuedAfterLeaseExpiryAndCompletes()
    {
        using var db = new TempDatabase();
        var journal = new StepJournal();
        string runId;
        await using (var sender = await BatonTestHost.StartAsync(b => b.AddThreeSteps("sender", journal).Configure(o => o.RunWorker = false), databasePath: db.Path))
        {
            var eventId = await sender.SendAsync(ThreeSteps.EventName);
            runId = Assert.Single(Assert.Single((await sender.Inspector.ListEventsAsync(new EventQuery())).Items, e => e.Event.Id == eventId).RunIds);
        }

        // A worker claims the run and is never heard of again.
        await using (var store = new SqliteStore(new SqliteStoreOptions { Path = db.Path }))
        {
            await using var ghost = store.OpenWriter();
            await ghost.BeginAsync(CancellationToken.None);
            var claim = await ghost.ClaimDueRunsAsync(new ClaimCommand("ghost", BatonTestHost.DefaultStart, BatonTestHost.DefaultStart + LeaseDuration, 10), CancellationToken.None);
            await ghost.CommitAsync(CancellationToken.None);
            Assert.Equal(runId, Assert.Single(claim.Runs).RunId);
        }

        await using var rescuer = await BatonTestHost.StartAsync(b => b.AddThreeSteps("rescuer", journal), databasePath: db.Path);
        await rescuer.AdvanceAndWakeAsync(LeaseDuration);
        var run = await rescuer.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(ThreeSteps.StepIds, journal.StepsRunBy("rescuer"));
        Assert.True(run.FinishedAt >= BatonTestHost.DefaultStart + LeaseDuration);
    }

    [Fact]
    public async Task ExecutionGivenUpOnStoreError_WorkerStaysBusyWithOtherRuns_RunIsRetriedAfterLeaseExpiry()
    {
        using var db = new TempDatabase();
        var journal = new StepJournal();
        var busy = new Gate();
        var store = new FaultInjectingStore(new SqliteStore(new SqliteStoreOptions { Path = db.Path }))
        {
            // The first claim's commit of step-1 is refused, as by a full disk or a lock held too long.
            RefuseCommit = c => c.Step.StepId == "step-1" && c.Lease.Token == 1,
        };
        await using var host = await BatonTestHost.StartAsync(
            b => b.UseStore(_ => store)
                .AddThreeSteps("host", journal)
                .AddFunction<object>("durability/busy", f => f.OnEvent("durability/busy.requested"), ctx => ctx.Step.Run("hold", busy.WaitAsync)),
            databasePath: db.Path);
        host.WaitTimeout = TimeSpan.FromSeconds(15);
        try
        {
            // Another run keeps the worker busy (and heartbeating) the whole time.
            var busyRun = await host.WaitForRunOfEventAsync(await host.SendAsync("durability/busy.requested"));
            await host.WaitForStatusAsync(busyRun, RunStatus.Running);
            var runId = await host.StartThreeStepsAsync();
            await journal.StartedAsync("host", "step-1");

            // The run is given up once its refused commit fails; until then heartbeats may still extend its lease
            // (by up to 30 s each). Once given up, nothing extends it any more, so advancing the clock in 10 s steps
            // must see it claimed again within a bounded number of steps, while the busy run keeps its lease.
            for (var i = 0; i < 12 && (await host.Inspector.GetRunAsync(runId))!.Status != RunStatus.Completed; i++)
            {
                await host.AdvanceAndWakeAsync(TimeSpan.FromSeconds(10));
            }

            var run = await host.WaitForRunAsync(runId);
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal(["host", "host"], journal.HostsThatRan("step-1"));
            Assert.Equal(RunStatus.Running, (await host.Inspector.GetRunAsync(busyRun))!.Status);
        }
        finally
        {
            busy.Open();
        }
    }

    [Fact]
    public async Task MixedRuns_AfterWorkSettles_EachRunIsFinishedOrParkedByDesign()
    {
        using var db = new TempDatabase();
        await using var host = await BatonTestHost.StartAsync(
            b => b
                .AddFunction<object>("ends/ok", f => f.OnEvent("ends/ok"), ctx => ctx.Step.Run("work", () => Task.CompletedTask))
                .AddFunction<object>("ends/broken", f => f.OnEvent("ends/broken"), _ => throw new NonRetriableException("bad order"))
                .AddFunction<object>("ends/flaky", f => f.OnEvent("ends/flaky").Retries(1), ctx => ctx.Step.Run("call", () => throw new InvalidOperationException("upstream down")))
                .AddFunction<object>("ends/nap", f => f.OnEvent("ends/nap"), ctx => ctx.Step.Sleep("nap", TimeSpan.FromDays(1)))
                .AddFunction<object>("ends/wait", f => f.OnEvent("ends/wait"), ctx => ctx.Step.WaitForEvent("approval", "ends/approved", TimeSpan.FromDays(1), match: "data.id")),
            databasePath: db.Path);

        async Task<string> Start(string name) => await host.WaitForRunOfEventAsync(await host.SendAsync(name, new { id = name }));
        var ok = await Start("ends/ok");
        var broken = await Start("ends/broken");
        var flaky = await Start("ends/flaky");
        var nap = await Start("ends/nap");
        var cancelled = await Start("ends/nap");
        var wait = await Start("ends/wait");

        await host.WaitForRunAsync(ok);
        await host.WaitForRunAsync(broken);
        await host.WaitForStatusAsync(nap, RunStatus.Sleeping);
        await host.WaitForStatusAsync(cancelled, RunStatus.Sleeping);
        await host.WaitForStatusAsync(wait, RunStatus.Waiting);
        Assert.True(await host.Client.CancelRunAsync(cancelled, "not needed"));

        // The flaky step failed its first attempt and waits for its retry; let the backoff pass.
        await host.WaitForRunAsync(flaky, r => r.StepCount > 0 && r.Status == RunStatus.Queued);
        await host.AdvanceAndWakeAsync(TimeSpan.FromSeconds(2));
        await host.WaitForRunAsync(flaky);

        var statuses = (await host.Inspector.ListRunsAsync(new RunQuery())).Items
            .Where(r => r.FunctionId.StartsWith("ends/", StringComparison.Ordinal))
            .ToDictionary(r => r.Id, r => r.Status);
        Assert.Equal(
            new Dictionary<string, RunStatus>
            {
                [ok] = RunStatus.Completed,
                [broken] = RunStatus.Failed,
                [flaky] = RunStatus.Failed,
                [nap] = RunStatus.Sleeping,
                [cancelled] = RunStatus.Cancelled,
                [wait] = RunStatus.Waiting,
            },
            statuses);
        Assert.Empty((await host.Inspector.ListRunsAsync(new RunQuery { Statuses = [RunStatus.Queued, RunStatus.Running] })).Items);
    }
}

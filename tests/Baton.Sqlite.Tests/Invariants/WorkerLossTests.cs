using Baton.Sqlite.Tests.Fixtures;
using Baton.Storage;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Sqlite.Tests.Invariants;

/// <summary>
/// Invariant 3: a worker killed mid-step loses only that step's attempt; the run resumes elsewhere. The real
/// process kill is in <c>Durability/WorkerKillTests</c>; this is the in-process variant with two hosts on one
/// file and one clock, where the first host stops reaching the database (a paused or cut-off process).
/// </summary>
public sealed class WorkerLossTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task LeaseExpires_WorkerStopsHeartbeatingMidStep_OtherHostResumesAndStaleCommitIsFenced()
    {
        using var db = new TempDatabase();
        var time = new FakeTimeProvider(BatonTestHost.DefaultStart);
        var journal = new StepJournal();
        var hold = new Gate();
        var storeA = new FaultInjectingStore(new SqliteStore(new SqliteStoreOptions { Path = db.Path }));
        await using var hostA = await BatonTestHost.StartAsync(b => b.UseStore(_ => storeA).AddThreeSteps("a", journal, hold), databasePath: db.Path, time: time);
        try
        {
            var runId = await hostA.StartThreeStepsAsync();
            await journal.StartedAsync("a", "step-2");
            storeA.Partitioned = true;

            await using var hostB = await BatonTestHost.StartAsync(b => b.AddThreeSteps("b", journal), databasePath: db.Path, time: time);
            await hostB.AdvanceAndWakeAsync(LeaseDuration + TimeSpan.FromSeconds(1));
            var run = await hostB.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal(ThreeSteps.Output("a", "b", "b"), run.Output);
            Assert.Equal(["a"], journal.HostsThatRan("step-1"));
            Assert.Equal(["a", "b"], journal.HostsThatRan("step-2"));
            Assert.Equal(["b"], journal.HostsThatRan("step-3"));

            // A reaches the database again and its step-2 finishes: the late result must not land.
            storeA.Partitioned = false;
            var lateCommit = storeA.NextCommitOfAsync("step-2");
            hold.Open();
            Assert.Equal(FenceResult.LeaseLost, await lateCommit);
            var step2 = Assert.Single(await hostB.StepsAsync(runId), s => s.Id == "step-2");
            Assert.Equal("\"step-2 by b\"", step2.Output);
            Assert.Equal(RunStatus.Completed, (await hostB.Inspector.GetRunAsync(runId))!.Status);
        }
        finally
        {
            hold.Open();
        }
    }
}

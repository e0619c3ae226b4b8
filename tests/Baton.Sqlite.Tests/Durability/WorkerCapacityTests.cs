using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;

namespace Baton.Sqlite.Tests.Durability;

/// <summary>A worker leases no more runs than it may execute at once; the others stay queued for any worker.</summary>
public sealed class WorkerCapacityTests
{
    [Fact]
    public async Task Dispatch_MoreDueRunsThanMaxConcurrentRuns_LeasesOnlyMaxConcurrentRuns()
    {
        using var db = new TempDatabase();
        var journal = new StepJournal();
        var hold = new Gate();
        await using (var sender = await BatonTestHost.StartAsync(b => b.AddThreeSteps("sender", journal).Configure(o => o.RunWorker = false), databasePath: db.Path))
        {
            await sender.Client.SendAsync(Enumerable.Range(0, 6).Select(_ => new EventMessage(ThreeSteps.EventName)));
        }

        // Six runs are due when this worker starts; it may run two at a time and claims one per batch.
        await using var worker = await BatonTestHost.StartAsync(
            b => b.AddThreeSteps("worker", journal, hold).Configure(o =>
            {
                o.MaxConcurrentRuns = 2;
                o.ClaimBatchSize = 1;
            }),
            databasePath: db.Path);
        try
        {
            await journal.StartedAsync("worker", "step-2");
            var running = (await worker.Inspector.ListRunsAsync(new RunQuery { Statuses = [RunStatus.Running] })).Items;
            var queued = (await worker.Inspector.ListRunsAsync(new RunQuery { Statuses = [RunStatus.Queued] })).Items;

            Assert.InRange(running.Count, 1, 2);
            Assert.Equal(6 - running.Count, queued.Count);
        }
        finally
        {
            hold.Open();
        }

        foreach (var run in (await worker.Inspector.ListRunsAsync(new RunQuery())).Items)
        {
            Assert.Equal(RunStatus.Completed, (await worker.WaitForRunAsync(run.Id)).Status);
        }
    }
}

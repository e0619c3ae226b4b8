using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;

namespace Baton.Sqlite.Tests.Invariants;

/// <summary>Invariant 1: an acknowledged event is never lost; its runs exist or are durably deferred.</summary>
public sealed class AcknowledgedEventTests
{
    [Fact]
    public async Task SendAsync_ProcessCrashesRightAfterAcknowledgement_EventAndItsRunSurviveAndTheRunCompletes()
    {
        using var db = new TempDatabase();
        var journal = new StepJournal();
        var crashed = db.PathOf("crashed.db");
        string eventId;
        await using (var sender = await BatonTestHost.StartAsync(b => b.AddThreeSteps("sender", journal).Configure(o => o.RunWorker = false), databasePath: db.Path))
        {
            eventId = await sender.SendAsync(ThreeSteps.EventName, new { order = 42 });

            // The instant SendAsync returns, take the files as a killed process would leave them.
            DatabaseFiles.CopyAsCrashImage(db.Path, crashed);
        }

        await using var restarted = await BatonTestHost.StartAsync(b => b.AddThreeSteps("restarted", journal), databasePath: crashed);
        var stored = Assert.Single((await restarted.Inspector.ListEventsAsync(new EventQuery())).Items);
        Assert.Equal(eventId, stored.Event.Id);
        Assert.Equal(42, stored.Event.Data.GetProperty("order").GetInt32());
        var runId = Assert.Single(stored.RunIds);

        var run = await restarted.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(ThreeSteps.StepIds, journal.StepsRunBy("restarted"));
    }

    [Fact]
    public async Task SendAsync_BatchAcknowledgedThenProcessCrashes_EveryEventHasItsRun()
    {
        using var db = new TempDatabase();
        var crashed = db.PathOf("crashed.db");
        IReadOnlyList<string> eventIds;
        await using (var sender = await BatonTestHost.StartAsync(b => b.AddThreeSteps("sender", new StepJournal()).Configure(o => o.RunWorker = false), databasePath: db.Path))
        {
            eventIds = await sender.Client.SendAsync(Enumerable.Range(1, 3).Select(i => new EventMessage(ThreeSteps.EventName, new { order = i })));
            DatabaseFiles.CopyAsCrashImage(db.Path, crashed);
        }

        await using var restarted = await BatonTestHost.StartAsync(b => b.Configure(o => o.RunWorker = false), databasePath: crashed);
        var events = (await restarted.Inspector.ListEventsAsync(new EventQuery())).Items;
        Assert.Equal(eventIds.Order(StringComparer.Ordinal), events.Select(e => e.Event.Id).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Single(e.RunIds));
        var runs = (await restarted.Inspector.ListRunsAsync(new RunQuery { FunctionId = ThreeSteps.FunctionId })).Items;
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Queued, r.Status));
    }
}

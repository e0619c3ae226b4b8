using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Sqlite.Tests.Durability;

/// <summary>
/// Graceful shutdown: the worker stops claiming, lets the step in flight finish and commit within the grace
/// period, then hands the run back to the queue for another worker; past the grace period it hands it back anyway.
/// </summary>
public sealed class GracefulShutdownTests
{
    // Unlike any other timer of the engine (poll 1 s, heartbeat 10 s, lease 30 s), so the test sees the grace period armed.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(17);

    [Fact]
    public async Task StopAsync_StepInFlight_StepCommitsAndRunIsReleasedForAnotherHost()
    {
        using var db = new TempDatabase();
        var time = new ObservableTimeProvider(BatonTestHost.DefaultStart);
        var journal = new StepJournal();
        var hold = new Gate();
        string runId;
        await using (var first = await BatonTestHost.StartAsync(b => b.AddThreeSteps("first", journal, hold).Configure(o => o.ShutdownGracePeriod = Grace), databasePath: db.Path, time: time))
        {
            try
            {
                runId = await first.StartThreeStepsAsync();
                await journal.StartedAsync("first", "step-2");

                var graceArmed = time.TimerArmedAsync(Grace);
                var stop = Worker(first).StopAsync(CancellationToken.None);
                await graceArmed;
                Assert.False(stop.IsCompleted);

                hold.Open();
                await stop.WaitAsync(StepJournal.Guard);
            }
            finally
            {
                hold.Open();
            }
        }

        var released = await DatabaseFiles.ReadRunAsync(db.Path, runId);
        Assert.Equal(RunStatus.Queued, released.Status);
        Assert.Equal(time.GetUtcNow(), released.DueAt);
        var steps = await DatabaseFiles.ReadStepsAsync(db.Path, runId);
        Assert.Equal(["step-1", "step-2"], steps.Select(s => s.Id));
        Assert.All(steps, s => Assert.Equal(StepStatus.Completed, s.Status));

        // No time passes: the next host can claim the run at once because the lease was given back.
        await using var second = await BatonTestHost.StartAsync(b => b.AddThreeSteps("second", journal), databasePath: db.Path, time: time);
        var run = await second.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(ThreeSteps.Output("first", "first", "second"), run.Output);
        Assert.Equal(["step-3"], journal.StepsRunBy("second"));
    }

    [Fact]
    public async Task StopAsync_StepOutlastsGracePeriod_RunIsReleasedAnywayAndStepRerunsElsewhere()
    {
        using var db = new TempDatabase();
        var time = new ObservableTimeProvider(BatonTestHost.DefaultStart);
        var journal = new StepJournal();
        var hung = new Gate();
        string runId;
        try
        {
            await using (var first = await BatonTestHost.StartAsync(b => b.AddThreeSteps("first", journal, hung).Configure(o => o.ShutdownGracePeriod = Grace), databasePath: db.Path, time: time))
            {
                runId = await first.StartThreeStepsAsync();
                await journal.StartedAsync("first", "step-2");

                var graceArmed = time.TimerArmedAsync(Grace);
                var stop = Worker(first).StopAsync(CancellationToken.None);
                await graceArmed;
                time.Advance(Grace);
                await stop.WaitAsync(StepJournal.Guard);
            }

            var released = await DatabaseFiles.ReadRunAsync(db.Path, runId);
            Assert.Equal(RunStatus.Queued, released.Status);
            Assert.Equal(BatonTestHost.DefaultStart + Grace, released.DueAt);
            Assert.Equal(["step-1"], (await DatabaseFiles.ReadStepsAsync(db.Path, runId)).Select(s => s.Id));

            await using var second = await BatonTestHost.StartAsync(b => b.AddThreeSteps("second", journal), databasePath: db.Path, time: time);
            var run = await second.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal(ThreeSteps.Output("first", "second", "second"), run.Output);
            Assert.Equal(["first", "second"], journal.HostsThatRan("step-2"));
        }
        finally
        {
            hung.Open();
        }
    }

    [Fact]
    public async Task DisposeAsync_RunClaimedWhileItsHistoryLoads_RunIsReleasedNotLeftLeased()
    {
        using var db = new TempDatabase();
        var time = new ObservableTimeProvider(BatonTestHost.DefaultStart);
        var slowRead = new Gate();
        var store = new FaultInjectingStore(new SqliteStore(new SqliteStoreOptions { Path = db.Path }));
        var host = await BatonTestHost.StartAsync(
            b => b.UseStore(_ => store)
                .Configure(o => o.ShutdownGracePeriod = Grace)
                .AddFunction<object>("durability/nap", f => f.OnEvent("durability/nap.requested"), async ctx =>
                {
                    await ctx.Step.Run("before", () => Task.FromResult(1));
                    await ctx.Step.Sleep("nap", TimeSpan.FromHours(1));
                    await ctx.Step.Run("after", () => Task.FromResult(2));
                }),
            databasePath: db.Path,
            time: time);
        string runId;
        try
        {
            runId = await host.WaitForRunOfEventAsync(await host.SendAsync("durability/nap.requested"));
            await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

            // The run wakes and is claimed; loading its recorded steps is slow, and the host is shut down meanwhile.
            store.HoldStepReads = slowRead;
            await host.AdvanceAndWakeAsync(TimeSpan.FromHours(1));
            await store.StepReadHeldAsync();
            var graceArmed = time.TimerArmedAsync(Grace);
            var disposing = host.DisposeAsync().AsTask();
            await Task.WhenAny(graceArmed, disposing);
            slowRead.Open();
            await disposing.WaitAsync(StepJournal.Guard);
        }
        finally
        {
            slowRead.Open();
        }

        var run = await DatabaseFiles.ReadRunAsync(db.Path, runId);
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal(time.GetUtcNow(), run.DueAt);
    }

    /// <summary>The hosted worker, stopped directly as the host would stop it.</summary>
    private static IHostedService Worker(BatonTestHost host) => Assert.Single(host.Services.GetServices<IHostedService>());
}

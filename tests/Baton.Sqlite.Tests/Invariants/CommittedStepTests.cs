using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;

namespace Baton.Sqlite.Tests.Invariants;

/// <summary>Invariant 2: a committed step result is never lost and never recomputed.</summary>
public sealed class CommittedStepTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CommittedStep_ProcessCrashesDuringNextStep_ResultSurvivesAndIsNotRecomputed()
    {
        using var db = new TempDatabase();
        var journal = new StepJournal();
        var hold = new Gate();
        var crashed = db.PathOf("crashed.db");
        string runId;
        await using (var first = await BatonTestHost.StartAsync(b => b.AddThreeSteps("first", journal, hold), databasePath: db.Path))
        {
            try
            {
                runId = await first.StartThreeStepsAsync();
                await journal.StartedAsync("first", "step-2");

                // step-1 is committed and step-2 is in flight: the process dies now.
                DatabaseFiles.CopyAsCrashImage(db.Path, crashed);
            }
            finally
            {
                hold.Open();
            }
        }

        await using var second = await BatonTestHost.StartAsync(b => b.AddThreeSteps("second", journal), databasePath: crashed);

        // The dead worker's lease is still on the run; once it expires the run resumes here.
        await second.AdvanceAndWakeAsync(LeaseDuration + TimeSpan.FromSeconds(1));
        var run = await second.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(ThreeSteps.Output("first", "second", "second"), run.Output);
        Assert.Equal(["step-2", "step-3"], journal.StepsRunBy("second"));
    }

    [Fact]
    public async Task CommittedStep_HostRestartsWhileRunSleeps_ResumedRunUsesRecordedResultWithoutRecomputing()
    {
        using var db = new TempDatabase();
        var journal = new StepJournal();
        string runId;
        string token;
        await using (var first = await BatonTestHost.StartAsync(b => AddTokenFlow(b, "first", journal), databasePath: db.Path))
        {
            runId = await first.WaitForRunOfEventAsync(await first.SendAsync("durability/token.requested"));
            await first.WaitForStatusAsync(runId, RunStatus.Sleeping);
            token = Assert.Single(await first.StepsAsync(runId), s => s.Id == "issue-token").Output!;
        }

        await using var second = await BatonTestHost.StartAsync(b => AddTokenFlow(b, "second", journal), databasePath: db.Path);
        await second.AdvanceAndWakeAsync(TimeSpan.FromHours(1));
        var run = await second.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(["first"], journal.HostsThatRan("issue-token"));
        Assert.Equal(["second"], journal.HostsThatRan("use-token"));
        Assert.Equal($"\"used {token.Trim('"')}\"", run.Output);
    }

    /// <summary>Issues a random token, sleeps an hour, then uses it: a recomputed token would show in the output.</summary>
    private static BatonBuilder AddTokenFlow(BatonBuilder builder, string host, StepJournal journal)
        => builder.AddFunction<object, string>(
            "durability/token",
            f => f.OnEvent("durability/token.requested"),
            async ctx =>
            {
                var token = await ctx.Step.Run("issue-token", () =>
                {
                    journal.Record(host, "issue-token");
                    return Task.FromResult(Guid.NewGuid().ToString("N"));
                });
                await ctx.Step.Sleep("cool-down", TimeSpan.FromHours(1));
                return await ctx.Step.Run("use-token", () =>
                {
                    journal.Record(host, "use-token");
                    return Task.FromResult($"used {token}");
                });
            });
}

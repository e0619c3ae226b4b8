using Baton.Storage;
using Npgsql;

namespace Baton.Postgres.Tests;

/// <summary>
/// The writer applies a group-commit batch's commands together: their statements go out in pipelined rounds
/// (one round trip each), and every command still gets its own result.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPipelineTests(PostgresServer server)
{
    private const string Owner = "node-a";

    [Fact]
    public async Task ApplyTogether_FinishesOfManyRunsAndOneLostLease_OneRoundTripAndEachItsOwnResult()
    {
        await using var store = await StartAsync();
        var now = DateTimeOffset.UtcNow;
        var claimed = await SeedAndClaimAsync(store, now, 20);
        await using var writer = (PostgresWriter)store.OpenWriter();
        var results = new FenceResult[claimed.Count];

        await writer.BeginAsync(CancellationToken.None);
        await writer.ApplyTogetherAsync(
            [.. claimed.Select((run, i) => (Func<ValueTask>)(async () =>
            {
                // The third run's token is stale: its finish must be fenced out, alone.
                var token = i == 2 ? run.Token + 7 : run.Token;
                results[i] = await writer.FinishRunAsync(
                    new FinishRunCommand { Lease = new LeaseRef(run.RunId, Owner, token), Status = RunStatus.Completed, OutputJson = $"{i}", Now = now },
                    CancellationToken.None);
            }))],
            CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);

        Assert.Equal(1, writer.LastRounds);
        Assert.Equal(FenceResult.LeaseLost, results[2]);
        Assert.All(results.Where((_, i) => i != 2), r => Assert.Equal(FenceResult.Applied, r));
        for (var i = 0; i < claimed.Count; i++)
        {
            var run = await store.GetRunAsync(claimed[i].RunId, CancellationToken.None);
            Assert.Equal(i == 2 ? RunStatus.Running : RunStatus.Completed, run!.Status);
            Assert.Equal(i == 2 ? null : $"{i}", run.Output);
        }
    }

    [Fact]
    public async Task ApplyTogether_CommandsOfSeveralStatements_GoOnInLaterRoundsInOrder()
    {
        await using var store = await StartAsync();
        var now = DateTimeOffset.UtcNow;
        var claimed = await SeedAndClaimAsync(store, now, 5);
        await using var writer = (PostgresWriter)store.OpenWriter();
        var results = new FenceResult[claimed.Count];

        // A failed attempt makes a step commit two statements: the fenced step write, then the attempt row.
        await writer.BeginAsync(CancellationToken.None);
        await writer.ApplyTogetherAsync(
            [.. claimed.Select((run, i) => (Func<ValueTask>)(async () => results[i] = await writer.CommitStepAsync(
                new CommitStepCommand
                {
                    Lease = new LeaseRef(run.RunId, Owner, run.Token),
                    Step = new StepWrite { StepId = "s", Name = "s", Position = 0, Kind = StepKind.Run, Status = StepStatus.Retrying, Attempts = 1, StartedAt = now },
                    FailedAttempt = new StepAttempt(1, now, now, new ErrorInfo("Boom", $"attempt of {i}")),
                    Now = now,
                },
                CancellationToken.None)))],
            CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);

        Assert.Equal(2, writer.LastRounds);
        Assert.All(results, r => Assert.Equal(FenceResult.Applied, r));
        for (var i = 0; i < claimed.Count; i++)
        {
            var steps = await store.GetStepsAsync(claimed[i].RunId, includeAttempts: true, CancellationToken.None);
            var attempt = Assert.Single(Assert.Single(steps).FailedAttempts);
            Assert.Equal($"attempt of {i}", attempt.Error.Message);
        }
    }

    [Fact]
    public async Task ApplyTogether_OneStatementFails_FailsTheCallAndTheRollbackKeepsNothing()
    {
        await using var store = await StartAsync();
        var now = DateTimeOffset.UtcNow;
        var claimed = await SeedAndClaimAsync(store, now, 2);
        await using var writer = (PostgresWriter)store.OpenWriter();

        await writer.BeginAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<PostgresException>(async () => await writer.ApplyTogetherAsync(
            [
                async () => await writer.FinishRunAsync(
                    new FinishRunCommand { Lease = new LeaseRef(claimed[0].RunId, Owner, claimed[0].Token), Status = RunStatus.Completed, Now = now },
                    CancellationToken.None),

                // A step without a name breaks the table's NOT NULL constraint.
                async () => await writer.CommitStepAsync(
                    new CommitStepCommand
                    {
                        Lease = new LeaseRef(claimed[1].RunId, Owner, claimed[1].Token),
                        Step = new StepWrite { StepId = "s", Name = null!, Position = 0, Kind = StepKind.Run, Status = StepStatus.Completed, Attempts = 1 },
                        Now = now,
                    },
                    CancellationToken.None),
            ],
            CancellationToken.None));
        await writer.RollbackAsync(CancellationToken.None);

        Assert.Equal(PostgresErrorCodes.NotNullViolation, error.SqlState);
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync(claimed[0].RunId, CancellationToken.None))!.Status);
    }

    private async Task<PostgresStore> StartAsync()
    {
        var store = new PostgresStore(new PostgresStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgresServer.NewSchema() });
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    /// <summary>Ingests <paramref name="count"/> events, each starting a run, and claims them all for <see cref="Owner"/>.</summary>
    private static async Task<IReadOnlyList<ClaimedRun>> SeedAndClaimAsync(PostgresStore store, DateTimeOffset now, int count)
    {
        await using var writer = store.OpenWriter();
        await writer.BeginAsync(CancellationToken.None);
        var events = Enumerable.Range(0, count).Select(i => new EventRecord($"e-{i}", "t/ping", "{}", now)).ToArray();
        await writer.IngestEventsAsync(new IngestCommand(events, new RunPerEventPlanner(), now, TimeSpan.FromHours(24)), CancellationToken.None);
        var claim = await writer.ClaimDueRunsAsync(new ClaimCommand(Owner, now, now.AddMinutes(5), count), CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);
        Assert.Equal(count, claim.Runs.Count);
        return [.. claim.Runs.OrderBy(r => r.RunId, StringComparer.Ordinal)];
    }

    private sealed class RunPerEventPlanner : IIngestPlanner
    {
        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
        {
            var plan = new IngestPlan();
            foreach (var e in newEvents)
            {
                plan.Runs.Add(new NewRun { RunId = "r-" + e.Id, FunctionId = "ping", TriggerJson = "[]", EventId = e.Id });
            }

            return plan;
        }
    }
}

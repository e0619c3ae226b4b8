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
    public async Task ApplyTogether_StepWritesOfManyRunsWithOneLostLeaseAndOneRepeatedStep_OneRoundAndEachItsOwnResult()
    {
        await using var store = await StartAsync();
        var now = DateTimeOffset.UtcNow;
        var claimed = await SeedAndClaimAsync(store, now, 12);
        await using var writer = (PostgresWriter)store.OpenWriter();
        var results = new FenceResult[claimed.Count + 1];
        var commands = claimed.Select((run, i) => (Func<ValueTask>)(async () =>
        {
            // The fourth run's token is stale: only its step write is fenced out.
            var token = i == 3 ? run.Token + 1 : run.Token;
            results[i] = await writer.CommitStepAsync(Completed(run.RunId, token, $"{i}", now), CancellationToken.None);
        })).ToList();

        // The first run's step written again in the same round: it goes after the first write and keeps the first result.
        commands.Add(async () => results[^1] = await writer.CommitStepAsync(Completed(claimed[0].RunId, claimed[0].Token, "\"again\"", now), CancellationToken.None));

        await writer.BeginAsync(CancellationToken.None);
        await writer.ApplyTogetherAsync(commands, CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);

        Assert.Equal(1, writer.LastRounds);
        Assert.Equal(FenceResult.LeaseLost, results[3]);
        Assert.All(results.Where((_, i) => i != 3), r => Assert.Equal(FenceResult.Applied, r));
        for (var i = 0; i < claimed.Count; i++)
        {
            var steps = await store.GetStepsAsync(claimed[i].RunId, includeAttempts: false, CancellationToken.None);
            if (i == 3)
            {
                Assert.Empty(steps);
                continue;
            }

            var step = Assert.Single(steps);
            Assert.Equal($"{i}", step.Output);
        }
    }

    [Fact]
    public async Task ApplyTogether_FinishesOfInvokedRuns_EachResolvesItsOwnParentStep()
    {
        await using var store = await StartAsync();
        var now = DateTimeOffset.UtcNow;
        var parents = await SeedAndClaimAsync(store, now, 4);
        await using var writer = (PostgresWriter)store.OpenWriter();

        // Each parent invokes a child (its step waits for the child's result), then parks until the child finishes.
        await writer.BeginAsync(CancellationToken.None);
        foreach (var parent in parents)
        {
            var lease = new LeaseRef(parent.RunId, Owner, parent.Token);
            Assert.Equal(FenceResult.Applied, await writer.CommitStepAsync(
                new CommitStepCommand
                {
                    Lease = lease,
                    Step = new StepWrite { StepId = "child", Name = "child", Position = 0, Kind = StepKind.Invoke, Status = StepStatus.Waiting, Attempts = 1, StartedAt = now },
                    ChildRun = new NewRun { RunId = "child-of-" + parent.RunId, FunctionId = "ping", TriggerJson = "[]", ParentRunId = parent.RunId, ParentStepId = "child" },
                    Now = now,
                },
                CancellationToken.None));
            Assert.Equal(FenceResult.Applied, await writer.SuspendRunAsync(new SuspendRunCommand(lease, RunStatus.Waiting, null, 0, null, null, now), CancellationToken.None));
        }

        var children = await writer.ClaimDueRunsAsync(new ClaimCommand(Owner, now, now.AddMinutes(5), 10), CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);
        Assert.Equal(parents.Count, children.Runs.Count);

        await writer.BeginAsync(CancellationToken.None);
        await writer.ApplyTogetherAsync(
            [.. children.Runs.Select(child => (Func<ValueTask>)(async () => Assert.Equal(FenceResult.Applied, await writer.FinishRunAsync(
                new FinishRunCommand { Lease = new LeaseRef(child.RunId, Owner, child.Token), Status = RunStatus.Completed, OutputJson = $"\"{child.RunId}\"", Now = now },
                CancellationToken.None))))],
            CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);

        foreach (var parent in parents)
        {
            var step = Assert.Single(await store.GetStepsAsync(parent.RunId, includeAttempts: false, CancellationToken.None));
            Assert.Equal(StepStatus.Completed, step.Status);
            Assert.Equal($"\"child-of-{parent.RunId}\"", step.Output);
        }

        // Woken: every parent is due again.
        var resumed = await ClaimAsync(store, now);
        Assert.Equal(parents.Select(p => p.RunId).Order(StringComparer.Ordinal), resumed.Select(r => r.RunId).Order(StringComparer.Ordinal));
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

    private static CommitStepCommand Completed(string runId, long token, string output, DateTimeOffset now) => new()
    {
        Lease = new LeaseRef(runId, Owner, token),
        Step = new StepWrite { StepId = "s", Name = "s", Position = 0, Kind = StepKind.Run, Status = StepStatus.Completed, Attempts = 1, StartedAt = now, FinishedAt = now, OutputJson = output },
        Now = now,
    };

    private static async Task<IReadOnlyList<ClaimedRun>> ClaimAsync(PostgresStore store, DateTimeOffset now)
    {
        await using var writer = store.OpenWriter();
        await writer.BeginAsync(CancellationToken.None);
        var claim = await writer.ClaimDueRunsAsync(new ClaimCommand(Owner, now, now.AddMinutes(5), 100), CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);
        return claim.Runs;
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

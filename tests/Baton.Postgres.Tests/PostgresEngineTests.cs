using Baton.Testing;

namespace Baton.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresEngineTests(PostgresServer server)
{
    public sealed record Order(string OrderId, int Amount);

    private Task<BatonTestHost> StartAsync(Action<BatonBuilder> configure, string? schema = null)
        => BatonTestHost.StartAsync(configure, useStore: b => b.UsePostgres(server.ConnectionString, o => o.Schema = schema ?? PostgresServer.NewSchema()));

    [Fact]
    public async Task Run_TwoStepsOnPostgres_CompletesWithResult()
    {
        await using var host = await StartAsync(b => b.AddFunction<Order, int>("double", f => f.OnEvent("order/created"), async ctx =>
        {
            var a = await ctx.Step.Run("a", () => Task.FromResult(ctx.Data.Amount * 2));
            return await ctx.Step.Run("b", () => Task.FromResult(a + 1));
        }));

        var run = await host.SendAndWaitAsync("order/created", new Order("o-1", 21));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("43", run.Output);
        Assert.Equal(["a", "b"], (await host.StepsAsync(run.Id)).Select(s => s.Id));
    }

    [Fact]
    public async Task SleepAndWaitForEvent_OnPostgres_ResumeAfterClockAndMatchingEvent()
    {
        var executions = 0;
        await using var host = await StartAsync(b => b.AddFunction<Order, string?>("flow", f => f.OnEvent("order/created"), async ctx =>
        {
            await ctx.Step.Run("count", () => Task.FromResult(Interlocked.Increment(ref executions)));
            await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(5));
            var paid = await ctx.Step.WaitForEvent("paid", "order/paid", TimeSpan.FromHours(1), match: "data.orderId");
            return paid?.Id;
        }));

        var runId = await host.WaitForRunOfEventAsync(await host.SendAsync("order/created", new Order("o-7", 1)));
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(5));
        await host.WaitForStatusAsync(runId, RunStatus.Waiting);
        await host.SendAsync("order/paid", new Order("other", 1));
        var paidId = await host.SendAsync("order/paid", new Order("o-7", 1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal($"\"{paidId}\"", run.Output);
        Assert.Equal(1, executions);
    }

    [Fact]
    public async Task Migrations_TwoHostsOnOneSchema_ApplyOnce()
    {
        var schema = PostgresServer.NewSchema();
        var hosts = await Task.WhenAll(StartAsync(_ => { }, schema), StartAsync(_ => { }, schema));
        try
        {
            await Task.WhenAll(hosts.Select(h => h.Inspector.ListRunsAsync(new RunQuery())));
            await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"SELECT COUNT(*) FROM \"{schema}\".schema_migrations", connection);
            Assert.Equal(PostgresStore.Migrations().Count(), Convert.ToInt32(await command.ExecuteScalarAsync()));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresNotificationTests(PostgresServer server)
{
    [Fact]
    public async Task SendAsync_FromAnotherNode_RunsOnTheIdleWorker()
    {
        var schema = PostgresServer.NewSchema();
        void Functions(BatonBuilder b) => b.AddFunction<object>("ping", f => f.OnEvent("t/ping"), ctx => ctx.Step.Run("pong", () => Task.FromResult(1)));

        // The worker's poll interval is an hour of a clock nobody advances: only a notification can wake it.
        await using var worker = await BatonTestHost.StartAsync(
            b =>
            {
                Functions(b);
                b.Configure(o => o.PollInterval = TimeSpan.FromHours(1));
            },
            useStore: b => b.UsePostgres(server.ConnectionString, o => o.Schema = schema));
        await using var sender = await BatonTestHost.StartAsync(
            b =>
            {
                Functions(b);
                b.Configure(o => o.RunWorker = false);
            },
            useStore: b => b.UsePostgres(server.ConnectionString, o => o.Schema = schema));

        foreach (var attempt in new[] { 1, 2 })
        {
            var runId = await sender.WaitForRunOfEventAsync(await sender.SendAsync("t/ping"));
            var run = await worker.WaitForRunAsync(runId);
            Assert.Equal(RunStatus.Completed, run.Status);
        }
    }

    [Fact]
    public async Task WatchForWork_AnotherWriterCommitsDueWork_WakesListener()
    {
        var options = new PostgresStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgresServer.NewSchema() };
        await using var listening = new PostgresStore(options);
        await using var committing = new PostgresStore(options);
        await listening.InitializeAsync(CancellationToken.None);
        var wakes = 0;
        var listeningStarted = new TaskCompletionSource();
        var notified = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var watch = listening.WatchForWorkAsync(
            () =>
            {
                // The first call is the listener's own wake-up once it listens; the second is the notification.
                (Interlocked.Increment(ref wakes) == 1 ? listeningStarted : notified).TrySetResult();
            },
            stop.Token);
        await listeningStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await using (var writer = committing.OpenWriter())
        {
            var now = DateTimeOffset.UtcNow;
            await writer.BeginAsync(CancellationToken.None);
            await writer.IngestEventsAsync(new Storage.IngestCommand([new Storage.EventRecord("e-1", "t/ping", "{}", now)], new OneRunPlanner(), now, TimeSpan.FromHours(24)), CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        await notified.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await watch;
        Assert.Equal(2, wakes);
    }

    private sealed class OneRunPlanner : Storage.IIngestPlanner
    {
        public Storage.IngestPlan Plan(IReadOnlyList<Storage.EventRecord> newEvents, IReadOnlyList<Storage.PendingWait> waits, DateTimeOffset now)
        {
            var plan = new Storage.IngestPlan();
            plan.Runs.Add(new Storage.NewRun { RunId = "r-" + newEvents[0].Id, FunctionId = "ping", TriggerJson = "[]", EventId = newEvents[0].Id });
            return plan;
        }
    }
}

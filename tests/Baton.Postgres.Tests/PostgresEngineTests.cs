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
    public async Task SendAsync_FromAnotherNode_WakesIdleWorkerWithoutPolling()
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
        await WaitUntilListeningAsync(schema);
        await using var sender = await BatonTestHost.StartAsync(
            b =>
            {
                Functions(b);
                b.Configure(o => o.RunWorker = false);
            },
            useStore: b => b.UsePostgres(server.ConnectionString, o => o.Schema = schema));

        var eventId = await sender.SendAsync("t/ping");
        var runId = await sender.WaitForRunOfEventAsync(eventId);
        var run = await worker.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
    }

    /// <summary>Waits (by querying, not sleeping) until the worker's listener session has run its LISTEN.</summary>
    private async Task WaitUntilListeningAsync(string schema)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using var command = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE query = $1", connection);
            command.Parameters.AddWithValue($"LISTEN \"baton_{schema}\"");
            if (Convert.ToInt64(await command.ExecuteScalarAsync(timeout.Token)) > 0)
            {
                return;
            }
        }
    }
}

using Baton.Sqlite.Tests.Fixtures;
using Baton.Testing;

namespace Baton.Sqlite.Tests.Invariants;

/// <summary>Invariant 6: bad input gets a clear, typed exception and changes nothing in the database.</summary>
public sealed class BadInputTests
{
    public static TheoryData<string> InvalidEventNames => ["", "   ", new string('n', 257), "order/\ncreated", "order/\u0000"];

    [Theory]
    [MemberData(nameof(InvalidEventNames))]
    public async Task SendAsync_InvalidEventName_ThrowsInvalidEventExceptionAndStoresNothing(string name)
    {
        await using var host = await StartWithHistoryAsync();
        var before = await DatabaseFiles.CountRowsAsync(host.DatabasePath);

        var error = await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(new EventMessage(name, new { id = 1 })));

        Assert.Contains("event name", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseFiles.CountRowsAsync(host.DatabasePath));
    }

    [Theory]
    [InlineData("")]
    [InlineData("id\twith-tab")]
    public async Task SendAsync_InvalidEventId_ThrowsInvalidEventExceptionAndStoresNothing(string id)
    {
        await using var host = await StartWithHistoryAsync();
        var before = await DatabaseFiles.CountRowsAsync(host.DatabasePath);

        await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(new EventMessage(ThreeSteps.EventName) { Id = id }));

        Assert.Equal(before, await DatabaseFiles.CountRowsAsync(host.DatabasePath));
    }

    [Fact]
    public async Task SendAsync_BatchWithOneInvalidEvent_ThrowsWithItsIndexAndStoresNoneOfTheBatch()
    {
        await using var host = await StartWithHistoryAsync();
        var before = await DatabaseFiles.CountRowsAsync(host.DatabasePath);

        var error = await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(
        [
            new EventMessage(ThreeSteps.EventName, new { id = 1 }),
            new EventMessage(ThreeSteps.EventName, new { id = 2 }),
            new EventMessage("", new { id = 3 }),
        ]));

        Assert.Equal(2, error.Index);
        Assert.Equal(before, await DatabaseFiles.CountRowsAsync(host.DatabasePath));
    }

    public sealed class Node
    {
        public Node? Next { get; set; }
    }

    public sealed record WithType(Type Kind);

    public static TheoryData<string> UnserializableData => ["cycle", "type"];

    [Theory]
    [MemberData(nameof(UnserializableData))]
    public async Task SendAsync_DataNotSerializable_ThrowsInvalidEventExceptionAndStoresNothing(string kind)
    {
        object data = kind switch
        {
            "cycle" => CreateCycle(),
            _ => new WithType(typeof(string)),
        };
        await using var host = await StartWithHistoryAsync();
        var before = await DatabaseFiles.CountRowsAsync(host.DatabasePath);

        var error = await Assert.ThrowsAsync<InvalidEventException>(() => host.Client.SendAsync(new EventMessage(ThreeSteps.EventName, data)));

        Assert.Contains("cannot be serialized", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseFiles.CountRowsAsync(host.DatabasePath));
    }

    [Theory]
    [InlineData("no-trigger", "triggers", false)]
    [InlineData("empty-event", "triggers[0].event", false)]
    [InlineData("bad-wildcard", "triggers[0].event", false)]
    [InlineData("bad-filter", "triggers[0].if", true)]
    [InlineData("bad-cron", "triggers[0].cron", false)]
    [InlineData("bad-time-zone", "triggers[0].timeZone", false)]
    [InlineData("bad-idempotency", "idempotency", true)]
    [InlineData("negative-timeout", "finishTimeout", false)]
    [InlineData("bad-retries", "retry", false)]
    [InlineData("cancel-without-match", "cancelOn[0]", false)]
    [InlineData("bad-cancel-match", "cancelOn[0].match", true)]
    public async Task AddFunction_InvalidConfiguration_ThrowsNamingFunctionAndFieldAndStoresNothing(string problem, string field, bool isExpression)
    {
        using var db = new TempDatabase();
        await (await StartWithHistoryAsync(db.Path)).DisposeAsync();

        var before = await DatabaseFiles.CountRowsAsync(db.Path);

        var error = await Assert.ThrowsAsync<FunctionConfigurationException>(() => BatonTestHost.StartAsync(
            b => b.AddFunction<object>("config/bad", f => Configure(f, problem), _ => Task.CompletedTask),
            databasePath: db.Path));

        Assert.Equal("config/bad", error.FunctionId);
        Assert.Equal(field, error.Field);
        Assert.StartsWith($"Function 'config/bad': {field}:", error.Message, StringComparison.Ordinal);
        if (isExpression)
        {
            Assert.IsType<ExpressionException>(error.InnerException);
        }

        Assert.Equal(before, await DatabaseFiles.CountRowsAsync(db.Path));
    }

    [Fact]
    public async Task CancelRunAsync_UnknownRun_ThrowsRunNotFoundAndChangesNothing()
    {
        await using var host = await StartWithHistoryAsync();
        var before = await DatabaseFiles.CountRowsAsync(host.DatabasePath);

        var error = await Assert.ThrowsAsync<RunNotFoundException>(() => host.Client.CancelRunAsync("no-such-run", "testing"));

        Assert.Equal("no-such-run", error.RunId);
        Assert.Equal(before, await DatabaseFiles.CountRowsAsync(host.DatabasePath));
    }

    private static void Configure(FunctionBuilder f, string problem)
    {
        _ = problem switch
        {
            "no-trigger" => f,
            "empty-event" => f.OnEvent(""),
            "bad-wildcard" => f.OnEvent("orders/*/created"),
            "bad-filter" => f.OnEvent("orders/created", "event.data.amount >"),
            "bad-cron" => f.OnCron("61 * * * *"),
            "bad-time-zone" => f.OnCron("0 * * * *", "Mars/Olympus_Mons"),
            "bad-idempotency" => f.OnEvent("orders/created").Idempotency("event.data.(id"),
            "negative-timeout" => f.OnEvent("orders/created").FinishTimeout(TimeSpan.FromSeconds(-1)),
            "bad-retries" => f.OnEvent("orders/created").Retries(-1),
            "cancel-without-match" => f.OnEvent("orders/created").CancelOn("orders/cancelled"),
            "bad-cancel-match" => f.OnEvent("orders/created").CancelOn("orders/cancelled", match: "data..id"),
            _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, null),
        };
    }

    private static Node CreateCycle()
    {
        var node = new Node();
        node.Next = node;
        return node;
    }

    /// <summary>A host whose database already holds an event and a finished run, so "nothing changed" compares non-empty tables.</summary>
    private static async Task<BatonTestHost> StartWithHistoryAsync(string? databasePath = null)
    {
        var host = await BatonTestHost.StartAsync(b => b.AddThreeSteps("host", new StepJournal()), databasePath: databasePath);
        var run = await host.SendAndWaitAsync(ThreeSteps.EventName, new { id = 0 }, ThreeSteps.FunctionId);
        Assert.Equal(RunStatus.Completed, run.Status);
        return host;
    }
}

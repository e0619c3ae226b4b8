using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.Operations;

public sealed class OperationsTests
{
    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b =>
    {
        b.AddFunction<object, int>("count", f => f.OnEvent("ops/go", "event.data.n > 0"), async ctx => await ctx.Step.Run("one", () => Task.FromResult(1)));
        b.AddFunction<object>("other", f => f.OnEvent("ops/go"), _ => Task.CompletedTask);
    });

    [Fact]
    public async Task PauseFunction_EventsRecordSkipAndStartNoRun_OtherFunctionsStillRun()
    {
        await using var host = await StartAsync();
        var ops = host.Services.GetRequiredService<IBatonOperations>();

        Assert.True(await ops.PauseFunctionAsync("count"));
        Assert.False(await ops.PauseFunctionAsync("count"));
        var id = await host.SendAsync("ops/go", new { n = 1 });
        await host.WaitForRunsOfAsync("other", 1);
        var filteredOut = await host.SendAsync("ops/go", new { n = 0 });
        await host.WaitForRunsOfAsync("other", 2);

        Assert.Empty(await host.RunsOfAsync("count"));
        Assert.Equal(BatonTestHost.DefaultStart, (await ops.GetFunctionAsync("count"))!.PausedAt);
        var events = (await host.Inspector.ListEventsAsync(new EventQuery())).Items;
        Assert.Equal([new EventSkip("count", FunctionPauses.PausedReason)], events.Single(e => e.Event.Id == id).Skips);
        Assert.Empty(events.Single(e => e.Event.Id == filteredOut).Skips);
    }

    [Fact]
    public async Task ResumeFunction_WithReplay_StartsRunsForSkippedEventsOldestFirst()
    {
        await using var host = await StartAsync();
        var ops = host.Services.GetRequiredService<IBatonOperations>();
        await ops.PauseFunctionAsync("count");
        await host.SendAsync("ops/go", new { n = 1 });
        await host.SendAsync("ops/go", new { n = 2 });

        var result = await ops.ResumeFunctionAsync("count", replaySkipped: true);
        var runs = await host.WaitForRunsOfAsync("count", 2);

        Assert.True(result.WasPaused);
        Assert.Equal(runs.Select(r => r.Id), result.ReplayedRunIds);
        Assert.Equal([1L, 2L], runs.Select(r => r.Events[0].Data.GetProperty("n").GetInt64()));
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Null((await ops.GetFunctionAsync("count"))!.PausedAt);
        Assert.False((await ops.ResumeFunctionAsync("count", replaySkipped: true)).WasPaused);
    }

    [Fact]
    public async Task ReplayRun_StartsOneRunOfThatFunctionOnly()
    {
        await using var host = await StartAsync();
        var ops = host.Services.GetRequiredService<IBatonOperations>();
        await host.SendAsync("ops/go", new { n = 5 });
        var original = (await host.WaitForRunsOfAsync("count", 1))[0];

        var replayId = await ops.ReplayRunAsync(original.Id);
        var replay = await host.WaitForRunAsync(replayId);

        Assert.Equal("count", replay.FunctionId);
        Assert.Equal(RunStatus.Completed, replay.Status);
        Assert.Equal(5, replay.Events[0].Data.GetProperty("n").GetInt64());
        Assert.Single(await host.RunsOfAsync("other"));
    }

    [Fact]
    public async Task Operations_UnknownIds_ThrowTypedExceptions()
    {
        await using var host = await StartAsync();
        var ops = host.Services.GetRequiredService<IBatonOperations>();

        Assert.Equal("nope", (await Assert.ThrowsAsync<FunctionNotFoundException>(() => ops.PauseFunctionAsync("nope"))).FunctionId);
        await Assert.ThrowsAsync<FunctionNotFoundException>(() => ops.ResumeFunctionAsync("nope", false));
        await Assert.ThrowsAsync<RunNotFoundException>(() => ops.ReplayRunAsync("01NOPE"));
        Assert.Null(await ops.GetFunctionAsync("nope"));
        Assert.Equal(["count", "other"], (await ops.ListFunctionsAsync()).Select(f => f.Id));
    }
}

public sealed class RunTextFilterTests
{
    [Fact]
    public async Task ListRuns_Text_MatchesTriggerDataLiterallyIgnoringAsciiCase()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>("f", f => f.OnEvent("text/go"), _ => Task.CompletedTask));
        var withLiteral = await host.SendAsync("text/go", new { sku = "ABC_100%" });
        await host.SendAsync("text/go", new { sku = "ABCX100" });
        await host.WaitForRunsOfAsync("f", 2);

        var literal = await host.Inspector.ListRunsAsync(new RunQuery { Text = "abc_100%" });
        var byName = await host.Inspector.ListRunsAsync(new RunQuery { Text = "TEXT/GO" });

        // By event, not by position: two runs made in one millisecond sort by id in the order they were made only while
        // no other test's clock makes ids in between (the tests share the process's id generator).
        Assert.Equal([withLiteral], literal.Items.Select(r => r.EventId));
        Assert.Equal(2, byName.Items.Count);
    }
}

using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Tests.Operations;

/// <summary>A pause is stored: it survives a restart and every host on the database honours it.</summary>
public sealed class DurablePauseTests
{
    private static void Configure(BatonBuilder b)
        => b.AddFunction<object, int>("count", f => f.OnEvent("pause/go"), async ctx => await ctx.Step.Run("one", () => Task.FromResult(1)));

    [Fact]
    public async Task Pause_AfterRestartOnSameDatabase_StillPausedAndSkipsEvents()
    {
        using var store = new SharedStore();
        var time = new FakeTimeProvider(BatonTestHost.DefaultStart);
        await using (var first = await store.StartAsync(Configure, time))
        {
            Assert.True(await first.Services.GetRequiredService<IBatonOperations>().PauseFunctionAsync("count"));
        }

        time.Advance(TimeSpan.FromMinutes(5));
        await using var second = await store.StartAsync(Configure, time);
        var ops = second.Services.GetRequiredService<IBatonOperations>();
        var eventId = await second.SendAsync("pause/go");

        var skips = (await second.Inspector.ListEventsAsync(new EventQuery())).Items.Single(e => e.Event.Id == eventId).Skips;
        Assert.Equal([new EventSkip("count", FunctionPauses.PausedReason)], skips);
        Assert.Empty(await second.RunsOfAsync("count"));
        Assert.Equal(BatonTestHost.DefaultStart, (await ops.GetFunctionAsync("count"))!.PausedAt);
        Assert.False(await ops.PauseFunctionAsync("count"));
    }

    [Fact]
    public async Task Pause_MadeThroughOneHost_HonouredBySecondHostAndResumedThroughIt()
    {
        using var store = new SharedStore();
        var time = new FakeTimeProvider(BatonTestHost.DefaultStart);

        // An API node that only ingests, and a worker node: the runs execute on the worker, whose change feed the waits watch.
        await using var api = await store.StartAsync(b => { Configure(b); b.Configure(o => o.RunWorker = false); }, time);
        await using var worker = await store.StartAsync(Configure, time);
        var apiOps = api.Services.GetRequiredService<IBatonOperations>();
        var workerOps = worker.Services.GetRequiredService<IBatonOperations>();

        await apiOps.PauseFunctionAsync("count");
        var skippedOnWorker = await worker.SendAsync("pause/go", new { n = 1 });

        Assert.Empty(await worker.RunsOfAsync("count"));
        Assert.Equal(BatonTestHost.DefaultStart, (await workerOps.GetFunctionAsync("count"))!.PausedAt);
        Assert.False(await workerOps.PauseFunctionAsync("count"));

        var resumed = await workerOps.ResumeFunctionAsync("count", replaySkipped: true);
        var replayed = await worker.WaitForRunAsync(Assert.Single(resumed.ReplayedRunIds));

        Assert.True(resumed.WasPaused);
        Assert.Equal(RunStatus.Completed, replayed.Status);
        Assert.Equal(1, replayed.Events[0].Data.GetProperty("n").GetInt32());
        Assert.Null((await apiOps.GetFunctionAsync("count"))!.PausedAt);

        // And the other way round: paused through the worker, honoured by the API node's ingest.
        Assert.True(await workerOps.PauseFunctionAsync("count"));
        var skippedOnApi = await api.SendAsync("pause/go", new { n = 2 });
        var events = (await api.Inspector.ListEventsAsync(new EventQuery())).Items;

        Assert.Equal([new EventSkip("count", FunctionPauses.PausedReason)], events.Single(e => e.Event.Id == skippedOnApi).Skips);
        Assert.Equal([new EventSkip("count", FunctionPauses.PausedReason)], events.Single(e => e.Event.Id == skippedOnWorker).Skips);
        Assert.Single(await api.RunsOfAsync("count"));
    }
}

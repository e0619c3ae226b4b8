using System.Collections.Concurrent;
using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Events;

/// <summary>
/// A node whose worker has free slots leases the runs its ingest creates in the ingest's own transaction and starts
/// them at once; runs that find the worker full wait in the store and keep their turn.
/// </summary>
public sealed class LeaseAtIngestTests
{
    [Fact]
    public async Task SendAsync_WorkerIdle_RunIsAlreadyRunningWhenTheSendReturns()
    {
        var gate = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<string>("held", f => f.OnEvent("job/go"), async ctx =>
            await ctx.Step.Run("work", token => ctx.Data == "held" ? gate.PassAsync(token) : Task.CompletedTask)));

        // A first run lets the worker finish its start-up claim, so it knows nothing is waiting in the store.
        await host.SendAndWaitAsync("job/go", "warm-up");
        var id = await host.SendAsync("job/go", "held");

        // The send returns once the ingest committed: the run was leased in that transaction, never queued.
        var run = Assert.Single(await host.RunsOfAsync("held"), r => r.EventId == id);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.NotNull(run.StartedAt);
        await gate.WaitEnteredAsync();
        gate.Release();
        Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(run.Id)).Status);
        Assert.Equal(1, gate.Entries);
    }

    [Fact]
    public async Task SendAsync_WorkerFull_RunWaitsInTheStoreAndKeepsItsTurn()
    {
        var gate = new Gate();
        var started = new ConcurrentQueue<string>();
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o => o.MaxConcurrentRuns = 1)
            .AddFunction<string>("one-at-a-time", f => f.OnEvent("job/go"), async ctx =>
            {
                await ctx.Step.Run("work", async token =>
                {
                    started.Enqueue(ctx.Data);
                    if (ctx.Data == "first")
                    {
                        await gate.PassAsync(token);
                    }
                });
            }));
        var first = await host.StartRunAsync("job/go", "first", "one-at-a-time");
        await gate.WaitEnteredAsync();

        var secondEvent = await host.SendAsync("job/go", "second");
        var second = Assert.Single(await host.RunsOfAsync("one-at-a-time"), r => r.EventId == secondEvent);
        Assert.Equal(RunStatus.Queued, second.Status);

        // The slot frees while a third event arrives: the run that waited in the store goes first.
        // (A millisecond later, so that "first in the store" is not a tie of due times.)
        host.Advance(TimeSpan.FromMilliseconds(1));
        gate.Release();
        var third = await host.StartRunAsync("job/go", "third", "one-at-a-time");
        await host.WaitForRunAsync(first);
        await host.WaitForRunAsync(second.Id);
        await host.WaitForRunAsync(third);

        Assert.Equal(["first", "second", "third"], started);
    }
}

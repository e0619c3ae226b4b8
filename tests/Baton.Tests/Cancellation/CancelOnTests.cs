using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Cancellation;

public sealed class CancelOnTests
{
    private static Task<BatonTestHost> StartAsync(TimeSpan? window = null) => BatonTestHost.StartAsync(b => b.AddFunction<object>(
        "reminder",
        f => f.OnEvent("order/created").CancelOn("order/cancelled", match: "data.orderId", window: window),
        async ctx =>
        {
            await ctx.Step.Sleep("wait-a-day", TimeSpan.FromDays(1));
            await ctx.Step.Run("remind", () => Task.CompletedTask);
        }));

    [Fact]
    public async Task CancelOn_MatchingEvent_CancelsSleepingRun()
    {
        await using var host = await StartAsync();
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "reminder");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        var cancelEvent = await host.SendAsync("order/cancelled", new { orderId = "o-1" });
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Contains("order/cancelled", run.CancelReason, StringComparison.Ordinal);
        Assert.Contains(cancelEvent, run.CancelReason, StringComparison.Ordinal);
        host.Advance(TimeSpan.FromDays(1));
        Assert.Equal(["wait-a-day"], (await host.StepsAsync(runId)).Select(s => s.Id));
    }

    [Fact]
    public async Task CancelOn_MatchingEvent_PublishesCancelledChange()
    {
        await using var host = await StartAsync();
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "reminder");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        var published = new TaskCompletionSource<RunChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = host.Changes.Subscribe(c =>
        {
            if (c is RunChange { Status: RunStatus.Cancelled } change && change.RunId == runId)
            {
                published.TrySetResult(change);
            }
        });

        await host.SendAsync("order/cancelled", new { orderId = "o-1" });

        var cancelled = await published.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("reminder", cancelled.FunctionId);
    }

    [Fact]
    public async Task CancelOn_NonMatchingEvent_DoesNotCancel()
    {
        await using var host = await StartAsync();
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "reminder");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        await host.SendAsync("order/cancelled", new { orderId = "o-2" });
        await host.SendAsync("order/updated", new { orderId = "o-1" });

        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(runId))!.Status);
        host.Advance(TimeSpan.FromDays(1));
        var run = await host.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Completed, run.Status);
    }

    [Fact]
    public async Task CancelOn_OneEvent_CancelsOnlyMatchingRuns()
    {
        await using var host = await StartAsync();
        var one = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "reminder");
        var two = await host.StartRunAsync("order/created", new { orderId = "o-2" }, "reminder");
        await host.WaitForStatusAsync(one, RunStatus.Sleeping);
        await host.WaitForStatusAsync(two, RunStatus.Sleeping);

        await host.SendAsync("order/cancelled", new { orderId = "o-2" });

        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(one))!.Status);
        Assert.Equal(RunStatus.Cancelled, (await host.Inspector.GetRunAsync(two))!.Status);
    }

    [Fact]
    public async Task CancelOn_WindowExpired_DoesNotCancel()
    {
        await using var host = await StartAsync(window: TimeSpan.FromHours(1));
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "reminder");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        host.Advance(TimeSpan.FromHours(1));
        await host.SendAsync("order/cancelled", new { orderId = "o-1" });

        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(runId))!.Status);
        host.Advance(TimeSpan.FromHours(23));
        Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(runId)).Status);
    }

    [Fact]
    public async Task CancelOn_WithinWindow_Cancels()
    {
        await using var host = await StartAsync(window: TimeSpan.FromHours(1));
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "reminder");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        host.Advance(TimeSpan.FromMinutes(59));
        await host.SendAsync("order/cancelled", new { orderId = "o-1" });

        Assert.Equal(RunStatus.Cancelled, (await host.WaitForRunAsync(runId)).Status);
    }

    [Fact]
    public async Task CancelOn_IfExpression_CancelsWhenTrue()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "expr-reminder",
            f => f.OnEvent("order/created").CancelOn("order/changed", @if: "async.data.orderId == event.data.orderId && async.data.status == 'void'"),
            async ctx => await ctx.Step.Sleep("wait", TimeSpan.FromDays(1))));
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "expr-reminder");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        await host.SendAsync("order/changed", new { orderId = "o-1", status = "paid" });
        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(runId))!.Status);
        await host.SendAsync("order/changed", new { orderId = "o-1", status = "void" });

        Assert.Equal(RunStatus.Cancelled, (await host.WaitForRunAsync(runId)).Status);
    }

    [Fact]
    public async Task CancelOn_RunAlreadyFinished_EventChangesNothing()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "quick",
            f => f.OnEvent("order/created").CancelOn("order/cancelled", match: "data.orderId"),
            _ => Task.CompletedTask));
        var run = await host.SendAndWaitAsync("order/created", new { orderId = "o-1" });

        await host.SendAsync("order/cancelled", new { orderId = "o-1" });

        Assert.Equal(RunStatus.Completed, (await host.Inspector.GetRunAsync(run.Id))!.Status);
    }
}

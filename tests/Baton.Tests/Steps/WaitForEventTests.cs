using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Steps;

public sealed class WaitForEventTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    public sealed record Payment(string OrderId, int Amount);

    private static Task<BatonTestHost> StartAsync(Gate gate, string? match = "data.orderId", string? @if = null) => BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
        "await-payment",
        f => f.OnEvent("order/created"),
        async ctx =>
        {
            await ctx.Step.Run("prepare", token => gate.PassAsync(token));
            var paid = await ctx.Step.WaitForEvent("payment", "order/paid", TimeSpan.FromHours(1), match: match, @if: @if);
            return paid is null ? "timed out" : $"{paid.Id}:{paid.DataAs<Payment>()!.Amount}";
        }));

    [Fact]
    public async Task WaitForEvent_MatchingEventAfterWaitRegistered_ResumesWithThatEvent()
    {
        var gate = new Gate();
        gate.Release();
        await using var host = await StartAsync(gate);
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "await-payment");
        var waiting = await host.WaitForStatusAsync(runId, RunStatus.Waiting);

        var first = await host.SendAsync("order/paid", new Payment("o-1", 30));
        await host.SendAsync("order/paid", new Payment("o-1", 40));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(Start.AddHours(1), waiting.DueAt);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal($"\"{first}:30\"", run.Output);
        var step = (await host.StepsAsync(runId))[1];
        Assert.Equal(StepKind.WaitForEvent, step.Kind);
        Assert.Equal(StepStatus.Completed, step.Status);
        Assert.Contains(first, step.Output!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForEvent_EventSentBeforeWaitRegistered_DoesNotCount()
    {
        var gate = new Gate();
        await using var host = await StartAsync(gate);
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "await-payment");
        await gate.WaitEnteredAsync();

        await host.SendAsync("order/paid", new Payment("o-1", 10));
        gate.Release();
        await host.WaitForStatusAsync(runId, RunStatus.Waiting);
        var late = await host.SendAsync("order/paid", new Payment("o-1", 20));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal($"\"{late}:20\"", run.Output);
    }

    [Fact]
    public async Task WaitForEvent_NonMatchingEvent_DoesNotResume()
    {
        var gate = new Gate();
        gate.Release();
        await using var host = await StartAsync(gate);
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "await-payment");
        await host.WaitForStatusAsync(runId, RunStatus.Waiting);

        await host.SendAsync("order/paid", new Payment("o-2", 10));
        await host.SendAsync("order/refunded", new Payment("o-1", 10));

        Assert.Equal(RunStatus.Waiting, (await host.Inspector.GetRunAsync(runId))!.Status);
        Assert.Equal(StepStatus.Waiting, (await host.StepsAsync(runId))[1].Status);
        var matching = await host.SendAsync("order/paid", new Payment("o-1", 99));
        Assert.Equal($"\"{matching}:99\"", (await host.WaitForRunAsync(runId)).Output);
    }

    [Fact]
    public async Task WaitForEvent_IfExpression_ResumesOnlyWhenTrue()
    {
        var gate = new Gate();
        gate.Release();
        await using var host = await StartAsync(gate, match: null, @if: "async.data.orderId == event.data.orderId && async.data.amount >= 100");
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "await-payment");
        await host.WaitForStatusAsync(runId, RunStatus.Waiting);

        await host.SendAsync("order/paid", new Payment("o-1", 50));
        await host.SendAsync("order/paid", new Payment("o-2", 500));
        Assert.Equal(RunStatus.Waiting, (await host.Inspector.GetRunAsync(runId))!.Status);
        var big = await host.SendAsync("order/paid", new Payment("o-1", 100));

        Assert.Equal($"\"{big}:100\"", (await host.WaitForRunAsync(runId)).Output);
    }

    [Fact]
    public async Task WaitForEvent_Timeout_ReturnsNull()
    {
        var gate = new Gate();
        gate.Release();
        await using var host = await StartAsync(gate);
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "await-payment");
        await host.WaitForStatusAsync(runId, RunStatus.Waiting);

        host.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(RunStatus.Waiting, (await host.Inspector.GetRunAsync(runId))!.Status);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("\"timed out\"", run.Output);
        Assert.Equal(Start.AddHours(1), run.FinishedAt);
    }

    [Fact]
    public async Task WaitForEvent_MatchingEventAfterTimeout_IsNotDelivered()
    {
        var gate = new Gate();
        gate.Release();
        await using var host = await StartAsync(gate);
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "await-payment");
        await host.WaitForStatusAsync(runId, RunStatus.Waiting);

        host.Advance(TimeSpan.FromHours(1));
        var run = await host.WaitForRunAsync(runId);
        await host.SendAsync("order/paid", new Payment("o-1", 10));

        Assert.Equal("\"timed out\"", run.Output);
        Assert.Equal("null", (await host.StepsAsync(runId))[1].Output);
    }

    [Fact]
    public async Task WaitForEvent_EventArrivesWhileRunStillExecutesAnotherStep_IsDelivered()
    {
        var busy = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "wait-while-busy",
            f => f.OnEvent("order/created"),
            async ctx =>
            {
                var wait = ctx.Step.WaitForEvent("payment", "order/paid", TimeSpan.FromHours(1), match: "data.orderId");
                var work = ctx.Step.Run("busy", token => busy.PassAsync(token));
                await Task.WhenAll(wait, work);
                return (await wait)!.Id;
            }));
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "wait-while-busy");
        await busy.WaitEnteredAsync();

        var paid = await host.SendAsync("order/paid", new Payment("o-1", 5));
        busy.Release();
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(paid, run.OutputAs<string>());
    }

    [Fact]
    public async Task WaitForEvent_RunCancelledWhileWaiting_LaterEventDoesNotResumeIt()
    {
        var gate = new Gate();
        gate.Release();
        await using var host = await StartAsync(gate);
        var runId = await host.StartRunAsync("order/created", new { orderId = "o-1" }, "await-payment");
        await host.WaitForStatusAsync(runId, RunStatus.Waiting);

        await host.Client.CancelRunAsync(runId, "order abandoned");
        await host.SendAsync("order/paid", new Payment("o-1", 10));

        var run = await host.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(StepStatus.Waiting, (await host.StepsAsync(runId))[1].Status);
    }

    [Fact]
    public async Task WaitForEvent_BothMatchAndIf_FailsRunWithInvalidStep()
    {
        var gate = new Gate();
        gate.Release();
        await using var host = await StartAsync(gate, match: "data.orderId", @if: "true");

        var run = await host.SendAndWaitAsync("order/created", new { orderId = "o-1" });

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(typeof(InvalidStepException).FullName, run.Error!.Type);
    }
}

using Baton.Testing;

namespace Baton.Tests.Steps;

public sealed class SmokeTests
{
    public sealed record Order(string OrderId, int Amount);

    [Fact]
    public async Task Run_TwoSteps_CompletesWithResult()
    {
        var calls = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Order, int>(
            "double",
            f => f.OnEvent("order/created"),
            async ctx =>
            {
                var a = await ctx.Step.Run("a", () => { calls++; return Task.FromResult(ctx.Data.Amount * 2); });
                var b = await ctx.Step.Run("b", () => { calls++; return Task.FromResult(a + 1); });
                return b;
            }));

        var run = await host.SendAndWaitAsync("order/created", new Order("o-1", 21));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("43", run.Output);
        Assert.Equal(2, calls);
        var steps = await host.StepsAsync(run.Id);
        Assert.Equal(["a", "b"], steps.Select(s => s.Id));
    }

    [Fact]
    public async Task Sleep_AdvanceClock_ResumesWithoutRerunningSteps()
    {
        var before = 0;
        var after = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Order>(
            "sleeper",
            f => f.OnEvent("order/created"),
            async ctx =>
            {
                await ctx.Step.Run("before", () => { before++; return Task.FromResult(1); });
                await ctx.Step.Sleep("nap", TimeSpan.FromHours(1));
                await ctx.Step.Run("after", () => { after++; return Task.FromResult(2); });
            }));

        var eventId = await host.SendAsync("order/created", new Order("o-1", 1));
        var runId = await host.WaitForRunOfEventAsync(eventId);
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        Assert.Equal(0, after);

        host.Advance(TimeSpan.FromHours(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(1, before);
        Assert.Equal(1, after);
    }
}

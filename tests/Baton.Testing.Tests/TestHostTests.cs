using Baton.Testing;

namespace Baton.Testing.Tests;

public sealed class TestHostTests
{
    [Fact]
    public async Task Advance_FiresSleepOnlyWhenDue()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "nap",
            f => f.OnEvent("t/nap"),
            async ctx => await ctx.Step.Sleep("s", TimeSpan.FromMinutes(10))));

        var runId = await host.WaitForRunOfEventAsync(await host.SendAsync("t/nap"));
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        host.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(runId))!.Status);

        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(BatonTestHost.DefaultStart + TimeSpan.FromMinutes(10), run.FinishedAt);
    }
}

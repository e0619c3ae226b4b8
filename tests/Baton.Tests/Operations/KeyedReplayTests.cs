using Baton.Testing;

namespace Baton.Tests.Operations;

public sealed class KeyedReplayTests
{
    [Fact]
    public async Task ReplayRun_SameKeyTwice_StartsOneRunAndReturnsItBothTimes()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>("f", f => f.OnEvent("go"), _ => Task.CompletedTask));
        var ops = (IBatonOperations)host.Services.GetService(typeof(IBatonOperations))!;
        var original = await host.SendAndWaitAsync("go", functionId: "f");

        var first = await ops.ReplayRunAsync(original.Id, "job-1");
        var again = await ops.ReplayRunAsync(original.Id, "job-1");
        var other = await ops.ReplayRunAsync(original.Id, "job-2");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal("replay-job-1", (await host.Inspector.GetRunAsync(first))!.EventId);
        Assert.Equal(3, (await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = "f" })).Items.Count);
    }

    [Fact]
    public async Task ReplayRun_KeyTooLong_ThrowsNamingIt()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>("f", f => f.OnEvent("go"), _ => Task.CompletedTask));
        var ops = (IBatonOperations)host.Services.GetService(typeof(IBatonOperations))!;
        var original = await host.SendAndWaitAsync("go", functionId: "f");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ops.ReplayRunAsync(original.Id, new string('k', 300)));

        Assert.Equal("replayKey", error.ParamName);
        Assert.Single((await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = "f" })).Items);
    }
}

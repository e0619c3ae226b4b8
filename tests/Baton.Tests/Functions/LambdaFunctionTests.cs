using Baton.Testing;

namespace Baton.Tests.Functions;

public sealed class LambdaFunctionTests
{
    public sealed record Greeting(string Name);

    [Fact]
    public async Task AddFunction_LambdaWithResult_ReturnsResultAsOutput()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Greeting, string>(
            "greet",
            f => f.OnEvent("user/signed-up"),
            async ctx => await ctx.Step.Run("compose", () => Task.FromResult($"Hello, {ctx.Data.Name}"))));

        var run = await host.SendAndWaitAsync("user/signed-up", new Greeting("Ada"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("\"Hello, Ada\"", run.Output);
    }

    [Fact]
    public async Task AddFunction_LambdaWithoutResult_CompletesWithNoOutput()
    {
        var names = new List<string>();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Greeting>(
            "remember",
            f => f.OnEvent("user/signed-up"),
            async ctx => await ctx.Step.Run("store", () =>
            {
                names.Add(ctx.Data.Name);
                return Task.CompletedTask;
            })));

        var run = await host.SendAndWaitAsync("user/signed-up", new Greeting("Grace"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Null(run.Output);
        Assert.Equal(["Grace"], names);
    }

    [Fact]
    public async Task AddFunction_TwoFunctionsOnOneEvent_BothRun()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<Greeting, string>("a", f => f.OnEvent("user/signed-up"), ctx => Task.FromResult("a:" + ctx.Data.Name))
            .AddFunction<Greeting, string>("b", f => f.OnEvent("user/signed-up"), ctx => Task.FromResult("b:" + ctx.Data.Name)));

        var eventId = await host.SendAsync("user/signed-up", new Greeting("Lin"));

        var a = await host.WaitForRunAsync(await host.WaitForRunOfEventAsync(eventId, "a"));
        var b = await host.WaitForRunAsync(await host.WaitForRunOfEventAsync(eventId, "b"));
        Assert.Equal("\"a:Lin\"", a.Output);
        Assert.Equal("\"b:Lin\"", b.Output);
    }
}

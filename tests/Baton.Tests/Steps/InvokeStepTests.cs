using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Steps;

public sealed class InvokeStepTests
{
    public sealed record Numbers(int A, int B);

    public sealed record Sum(int Total, string By);

    private static BatonBuilder AddChildren(BatonBuilder b) => b
        .AddFunction<Numbers, Sum>("add", f => f.OnEvent("math/add"), async ctx =>
            await ctx.Step.Run("add", () => Task.FromResult(new Sum(ctx.Data.A + ctx.Data.B, ctx.FunctionId))))
        .AddFunction<Numbers>("explode", f => f.OnEvent("math/explode").Retries(0), async ctx =>
            await ctx.Step.Run("boom", () => Task.FromException(new InvalidOperationException($"cannot handle {ctx.Data.A}"))))
        .AddFunction<Numbers>("slow", f => f.OnEvent("math/slow"), async ctx =>
            await ctx.Step.Sleep("long", TimeSpan.FromHours(2)));

    [Fact]
    public async Task Invoke_ChildCompletes_ReturnsChildResult()
    {
        await using var host = await BatonTestHost.StartAsync(b => AddChildren(b).AddFunction<object, string>(
            "parent",
            f => f.OnEvent("parent/go"),
            async ctx =>
            {
                var sum = await ctx.Step.Invoke<Sum>("call-add", "add", new Numbers(2, 3));
                return $"{sum!.Total} by {sum.By}";
            }));

        var parent = await host.SendAndWaitAsync("parent/go", functionId: "parent");

        Assert.Equal(RunStatus.Completed, parent.Status);
        Assert.Equal("\"5 by add\"", parent.Output);
        var child = Assert.Single(await host.RunsOfAsync("add"));
        Assert.Equal(RunStatus.Completed, child.Status);
        Assert.Equal(parent.Id, child.ParentRunId);
        Assert.Null(child.EventId);
        Assert.Equal(2, child.Events[0].Data.GetProperty("a").GetInt32());
        var step = Assert.Single(await host.StepsAsync(parent.Id));
        Assert.Equal(StepKind.Invoke, step.Kind);
        Assert.Equal(StepStatus.Completed, step.Status);
        Assert.Contains(child.Id, step.Detail!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_ChildFails_ThrowsStepFailedWithChildError()
    {
        ErrorInfo? caught = null;
        await using var host = await BatonTestHost.StartAsync(b => AddChildren(b).AddFunction<object, string>(
            "parent",
            f => f.OnEvent("parent/go"),
            async ctx =>
            {
                try
                {
                    await ctx.Step.Invoke("call-explode", "explode", new Numbers(7, 0));
                    return "no error";
                }
                catch (StepFailedException e)
                {
                    caught = e.Error;
                    return await ctx.Step.Run("compensate", () => Task.FromResult("compensated " + e.StepId));
                }
            }));

        var parent = await host.SendAndWaitAsync("parent/go", functionId: "parent");

        Assert.Equal(RunStatus.Completed, parent.Status);
        Assert.Equal("\"compensated call-explode\"", parent.Output);
        Assert.Equal(typeof(InvalidOperationException).FullName, caught!.Type);
        Assert.Equal("cannot handle 7", caught.Message);
        Assert.Equal(RunStatus.Failed, Assert.Single(await host.RunsOfAsync("explode")).Status);
    }

    [Fact]
    public async Task Invoke_ChildFailsAndParentDoesNotCatch_ParentFailsWithChildError()
    {
        await using var host = await BatonTestHost.StartAsync(b => AddChildren(b).AddFunction<object>(
            "parent",
            f => f.OnEvent("parent/go"),
            async ctx => await ctx.Step.Invoke("call-explode", "explode", new Numbers(1, 0))));

        var parent = await host.SendAndWaitAsync("parent/go", functionId: "parent");

        Assert.Equal(RunStatus.Failed, parent.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, parent.Error!.Type);
        Assert.Equal("cannot handle 1", parent.Error.Message);
        Assert.Equal(StepStatus.Failed, (await host.StepsAsync(parent.Id))[0].Status);
    }

    [Fact]
    public async Task Invoke_ChildSlowerThanTimeout_FailsStepWithInvokeTimeout()
    {
        await using var host = await BatonTestHost.StartAsync(b => AddChildren(b).AddFunction<object>(
            "parent",
            f => f.OnEvent("parent/go"),
            async ctx => await ctx.Step.Invoke("call-slow", "slow", new Numbers(0, 0), TimeSpan.FromMinutes(10))));

        var parentId = await host.StartRunAsync("parent/go", null, "parent");
        var waiting = await host.WaitForStatusAsync(parentId, RunStatus.Waiting);
        var child = (await host.WaitForRunsOfAsync("slow", 1, r => r.Status == RunStatus.Sleeping)).Single();
        host.Advance(TimeSpan.FromMinutes(10));
        var parent = await host.WaitForRunAsync(parentId);

        Assert.Equal(BatonTestHost.DefaultStart.AddMinutes(10), waiting.DueAt);
        Assert.Equal(RunStatus.Failed, parent.Status);
        Assert.Equal(typeof(InvokeTimeoutException).FullName, parent.Error!.Type);
        Assert.Contains(child.Id, parent.Error.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(child.Id))!.Status);
    }

    [Fact]
    public async Task Invoke_ChildFinishesAfterTimeout_ParentKeepsTimeoutOutcome()
    {
        await using var host = await BatonTestHost.StartAsync(b => AddChildren(b).AddFunction<object, string>(
            "parent",
            f => f.OnEvent("parent/go"),
            async ctx =>
            {
                try
                {
                    await ctx.Step.Invoke("call-slow", "slow", null, TimeSpan.FromMinutes(10));
                    return "finished";
                }
                catch (StepFailedException)
                {
                    return "timed out";
                }
            }));

        var parentId = await host.StartRunAsync("parent/go", null, "parent");
        await host.WaitForStatusAsync(parentId, RunStatus.Waiting);
        var child = (await host.WaitForRunsOfAsync("slow", 1, r => r.Status == RunStatus.Sleeping)).Single();
        host.Advance(TimeSpan.FromMinutes(10));
        var parent = await host.WaitForRunAsync(parentId);
        host.Advance(TimeSpan.FromHours(2));
        await host.WaitForRunAsync(child.Id);

        Assert.Equal("\"timed out\"", parent.Output);
        Assert.Equal("\"timed out\"", (await host.Inspector.GetRunAsync(parentId))!.Output);
        Assert.Equal(StepStatus.Failed, (await host.StepsAsync(parentId))[0].Status);
    }

    [Fact]
    public async Task Invoke_ChildCancelled_ParentStepFailsWithCancellation()
    {
        await using var host = await BatonTestHost.StartAsync(b => AddChildren(b).AddFunction<object, string>(
            "parent",
            f => f.OnEvent("parent/go"),
            async ctx =>
            {
                try
                {
                    await ctx.Step.Invoke("call-slow", "slow");
                    return "finished";
                }
                catch (StepFailedException e)
                {
                    return e.Error.Type + ": " + e.Error.Message;
                }
            }));
        var parentId = await host.StartRunAsync("parent/go", null, "parent");
        await host.WaitForStatusAsync(parentId, RunStatus.Waiting);
        var child = (await host.WaitForRunsOfAsync("slow", 1, r => r.Status == RunStatus.Sleeping)).Single();

        await host.Client.CancelRunAsync(child.Id, "not needed any more");
        var parent = await host.WaitForRunAsync(parentId);

        Assert.Equal(RunStatus.Completed, parent.Status);
        var output = parent.OutputAs<string>()!;
        Assert.StartsWith("RunCancelled: ", output, StringComparison.Ordinal);
        Assert.Contains("not needed any more", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_UnknownFunction_FailsRunWithInvalidStep()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "parent",
            f => f.OnEvent("parent/go"),
            async ctx => await ctx.Step.Invoke("call-nothing", "does-not-exist")));

        var parent = await host.SendAndWaitAsync("parent/go");

        Assert.Equal(RunStatus.Failed, parent.Status);
        Assert.Equal(typeof(InvalidStepException).FullName, parent.Error!.Type);
        Assert.Contains("does-not-exist", parent.Error.Message, StringComparison.Ordinal);
    }
}

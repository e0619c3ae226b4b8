using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Inspection;

public sealed class RunDetailsTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    public sealed record Lookup(string Sku);

    [Fact]
    public async Task GetRunAndSteps_CompletedRun_ShowTimingsAttemptsOutputsAndErrors()
    {
        var calls = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Lookup, string>(
            "lookup",
            f => f.OnEvent("sku/lookup").Retry(new RetryPolicy { Jitter = 0, InitialInterval = TimeSpan.FromSeconds(30) }),
            async ctx =>
            {
                var price = await ctx.Step.Run("price", () => Task.FromResult(9.99m));
                await ctx.Step.Sleep("cool-down", TimeSpan.FromMinutes(5));
                var stock = await ctx.Step.Run("stock", () => ++calls == 1 ? Task.FromException<int>(new TimeoutException("warehouse slow")) : Task.FromResult(4));
                ctx.Progress.Report(2, 2, "done");
                return $"{ctx.Data.Sku}:{price}:{stock}";
            }));

        var eventId = await host.SendAsync("sku/lookup", new Lookup("A-1"));
        var runId = await host.WaitForRunOfEventAsync(eventId, "lookup");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(5));
        var (run, _) = await host.AdvanceThroughRetriesAsync(runId);
        var steps = await host.Inspector.GetStepsAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("lookup", run.FunctionId);
        Assert.Equal(eventId, run.EventId);
        Assert.Equal("A-1", Assert.Single(run.Events).DataAs<Lookup>()!.Sku);
        Assert.Equal(Start, run.CreatedAt);
        Assert.Equal(Start, run.StartedAt);
        Assert.Equal(Start.AddMinutes(5).AddSeconds(30), run.FinishedAt);
        Assert.Null(run.DueAt);
        Assert.Equal("\"A-1:9.99:4\"", run.Output);
        Assert.Null(run.Error);
        Assert.Equal(3, run.StepCount);
        Assert.Equal(new RunProgress(2, 2, "done", Start.AddMinutes(5).AddSeconds(30)), run.Progress);
        Assert.Null(run.ParentRunId);

        Assert.Equal(["price", "cool-down", "stock"], steps.Select(s => s.Id));
        Assert.Equal([StepKind.Run, StepKind.Sleep, StepKind.Run], steps.Select(s => s.Kind));
        Assert.All(steps, s => Assert.Equal(StepStatus.Completed, s.Status));

        Assert.Equal((Start, Start, 1, "9.99"), (steps[0].StartedAt, steps[0].FinishedAt, steps[0].Attempts, steps[0].Output));
        Assert.Empty(steps[0].FailedAttempts);
        Assert.Equal((Start, Start.AddMinutes(5), Start.AddMinutes(5)), (steps[1].StartedAt, steps[1].FinishedAt, steps[1].WakeAt));

        var stock = steps[2];
        Assert.Equal(2, stock.Attempts);
        Assert.Equal("4", stock.Output);
        Assert.Equal(Start.AddMinutes(5).AddSeconds(30), stock.StartedAt);
        Assert.Equal(Start.AddMinutes(5).AddSeconds(30), stock.FinishedAt);
        var failed = Assert.Single(stock.FailedAttempts);
        Assert.Equal(1, failed.Attempt);
        Assert.Equal(Start.AddMinutes(5), failed.StartedAt);
        Assert.Equal(Start.AddMinutes(5), failed.FinishedAt);
        Assert.Equal(new ErrorInfo(typeof(TimeoutException).FullName!, "warehouse slow", failed.Error.StackTrace), failed.Error);
    }

    [Fact]
    public async Task GetRunAndSteps_FailedRun_ShowErrorOnRunAndStep()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "breaks",
            f => f.OnEvent("breaks/go"),
            async ctx => await ctx.Step.Run("parse", () => Task.FromException(new NonRetriableException("line 3: unexpected '}'")))));

        var run = await host.SendAndWaitAsync("breaks/go");
        var step = Assert.Single(await host.Inspector.GetStepsAsync(run.Id));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(Start, run.FinishedAt);
        Assert.Null(run.Output);
        Assert.Equal(typeof(NonRetriableException).FullName, run.Error!.Type);
        Assert.Equal("line 3: unexpected '}'", run.Error.Message);
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal(run.Error.Message, step.Error!.Message);
        Assert.Null(step.Output);
        Assert.Equal(Start, step.FinishedAt);
    }

    [Fact]
    public async Task GetRunAsync_UnknownId_ReturnsNull()
    {
        await using var host = await BatonTestHost.StartAsync(_ => { });

        Assert.Null(await host.Inspector.GetRunAsync("missing"));
        Assert.Empty(await host.Inspector.GetStepsAsync("missing"));
    }

    [Fact]
    public async Task GetRunAsync_WaitingRun_ShowsWaitDetails()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "waits",
            f => f.OnEvent("waits/go"),
            async ctx => await ctx.Step.WaitForEvent("approval", "doc/approved", TimeSpan.FromDays(2), match: "data.docId")));

        var runId = await host.StartRunAsync("waits/go", new { docId = "d-1" }, "waits");
        var run = await host.WaitForStatusAsync(runId, RunStatus.Waiting);
        var step = Assert.Single(await host.Inspector.GetStepsAsync(runId));

        Assert.Equal(Start.AddDays(2), run.DueAt);
        Assert.Null(run.FinishedAt);
        Assert.Equal(StepStatus.Waiting, step.Status);
        Assert.Equal(Start.AddDays(2), step.WakeAt);
        Assert.Contains("doc/approved", step.Detail!, StringComparison.Ordinal);
        Assert.Contains("docId", step.Detail!, StringComparison.Ordinal);
    }
}

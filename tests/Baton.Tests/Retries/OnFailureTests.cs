using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.Retries;

public sealed class OnFailureTests
{
    public sealed record Job(string JobId);

    /// <summary>Collects what failure handlers saw.</summary>
    public sealed class Alerts
    {
        private readonly TaskCompletionSource<(FunctionFailure Failure, string HandlerRunId, string HandlerFunctionId)> _raised = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count;

        public Task<(FunctionFailure Failure, string HandlerRunId, string HandlerFunctionId)> Raised => _raised.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public void Raise(FunctionContext<FunctionFailure> context)
        {
            Interlocked.Increment(ref Count);
            _raised.TrySetResult((context.Data, context.RunId, context.FunctionId));
        }
    }

    public sealed class ImportJob(Alerts alerts) : BatonFunction<Job>
    {
        public override async Task RunAsync(FunctionContext<Job> context)
            => await context.Step.Run("import", () => Task.FromException(new NonRetriableException($"job {context.Data.JobId} is corrupt")));

        public override async Task OnFailureAsync(FunctionContext<FunctionFailure> context)
        {
            await context.Step.Run("alert", () =>
            {
                alerts.Raise(context);
                return Task.CompletedTask;
            });
        }
    }

    public sealed class QuietJob : BatonFunction<Job>
    {
        public override Task RunAsync(FunctionContext<Job> context) => throw new NonRetriableException("quiet");
    }

    [Fact]
    public async Task OnFailure_ClassOverride_RunsAsOwnRunWithEventAndError()
    {
        var alerts = new Alerts();
        await using var host = await BatonTestHost.StartAsync(
            b => b.AddFunction<ImportJob>("import", f => f.OnEvent("job/submitted")),
            services => services.AddSingleton(alerts));

        var eventId = await host.SendAsync("job/submitted", new Job("j-1"));
        var failed = await host.WaitForRunAsync(await host.WaitForRunOfEventAsync(eventId, "import"));
        var (failure, handlerRunId, handlerFunctionId) = await alerts.Raised;
        var handlerRun = await host.WaitForRunAsync(handlerRunId);

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("import", failure.FunctionId);
        Assert.Equal(failed.Id, failure.RunId);
        Assert.Equal(failed.Error!.Type, failure.Error.Type);
        Assert.Equal("job j-1 is corrupt", failure.Error.Message);
        Assert.Equal(eventId, failure.Event.Id);
        Assert.Equal("j-1", failure.Event.DataAs<Job>()!.JobId);
        Assert.NotEqual(failed.Id, handlerRunId);
        Assert.NotEqual("import", handlerFunctionId);
        Assert.Equal(handlerFunctionId, handlerRun.FunctionId);
        Assert.Equal(RunStatus.Completed, handlerRun.Status);
        Assert.Equal(["alert"], (await host.StepsAsync(handlerRunId)).Select(s => s.Id));
        Assert.Equal(1, alerts.Count);
    }

    [Fact]
    public async Task OnFailure_Lambda_RunsAfterRetriesAreExhausted()
    {
        var alerts = new Alerts();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "flaky-import",
            f => f.OnEvent("job/submitted").Retries(1),
            async ctx => await ctx.Step.Run("import", () => Task.FromException(new IOException("disk full"))),
            onFailure: async ctx => await ctx.Step.Run("alert", () =>
            {
                alerts.Raise(ctx);
                return Task.CompletedTask;
            })));

        var runId = await host.StartRunAsync("job/submitted", new Job("j-2"), "flaky-import");
        var (failed, _) = await host.AdvanceThroughRetriesAsync(runId);
        var (failure, handlerRunId, _) = await alerts.Raised;

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(runId, failure.RunId);
        Assert.Equal(typeof(IOException).FullName, failure.Error.Type);
        Assert.Equal("disk full", failure.Error.Message);
        Assert.Equal("j-2", failure.Event.DataAs<Job>()!.JobId);
        Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(handlerRunId)).Status);
        Assert.Equal(1, alerts.Count);
    }

    [Fact]
    public async Task OnFailure_RunCompletes_HandlerDoesNotRun()
    {
        var alerts = new Alerts();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "fine",
            f => f.OnEvent("job/submitted"),
            _ => Task.CompletedTask,
            onFailure: ctx =>
            {
                alerts.Raise(ctx);
                return Task.CompletedTask;
            }));

        var run = await host.SendAndWaitAsync("job/submitted", new Job("j-3"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Single((await host.Inspector.ListRunsAsync(new RunQuery())).Items);
        Assert.Equal(0, alerts.Count);
    }

    [Fact]
    public async Task OnFailure_RunCancelled_HandlerDoesNotRun()
    {
        var alerts = new Alerts();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "cancellable",
            f => f.OnEvent("job/submitted"),
            async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromHours(1)),
            onFailure: ctx =>
            {
                alerts.Raise(ctx);
                return Task.CompletedTask;
            }));
        var runId = await host.StartRunAsync("job/submitted", new Job("j-5"), "cancellable");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        await host.Client.CancelRunAsync(runId, "stop");
        host.Advance(TimeSpan.FromHours(1));

        Assert.Equal(RunStatus.Cancelled, (await host.WaitForRunAsync(runId)).Status);
        Assert.Single((await host.Inspector.ListRunsAsync(new RunQuery())).Items);
        Assert.Equal(0, alerts.Count);
    }

    [Fact]
    public async Task OnFailure_RunTimesOut_HandlerRunsWithTimeoutError()
    {
        var alerts = new Alerts();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "bounded",
            f => f.OnEvent("job/submitted").FinishTimeout(TimeSpan.FromMinutes(5)),
            async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromHours(1)),
            onFailure: ctx =>
            {
                alerts.Raise(ctx);
                return Task.CompletedTask;
            }));
        var runId = await host.StartRunAsync("job/submitted", new Job("j-6"), "bounded");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        host.Advance(TimeSpan.FromMinutes(5));
        var (failure, _, _) = await alerts.Raised;

        Assert.Equal(runId, failure.RunId);
        Assert.Equal("FinishTimeout", failure.Error.Type);
    }

    [Fact]
    public async Task OnFailure_NotOverridden_NoHandlerRun()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<QuietJob>("quiet", f => f.OnEvent("job/submitted")));

        var run = await host.SendAndWaitAsync("job/submitted", new Job("j-4"));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Single((await host.Inspector.ListRunsAsync(new RunQuery())).Items);
    }
}

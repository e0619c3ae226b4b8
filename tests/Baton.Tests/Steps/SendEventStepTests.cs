using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Steps;

public sealed class SendEventStepTests
{
    [Fact]
    public async Task SendEvent_AcrossReplay_SendsOnceAndReturnsSameIds()
    {
        var returned = new List<string>();
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object, int>(
                "fan-out",
                f => f.OnEvent("batch/started"),
                async ctx =>
                {
                    var ids = await ctx.Step.SendEvent(
                        "notify",
                        new EventMessage("item/ready", new { item = 1 }),
                        new EventMessage("item/ready", new { item = 2 }));
                    returned.Add(string.Join(',', ids));
                    await ctx.Step.Sleep("settle", TimeSpan.FromMinutes(1));
                    return ids.Count;
                })
            .AddFunction<object, int>("handle-item", f => f.OnEvent("item/ready"), ctx => Task.FromResult(ctx.Event.Data.GetProperty("item").GetInt32())));

        var runId = await host.StartRunAsync("batch/started", null, "fan-out");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("2", run.Output);
        Assert.Equal(2, returned.Count);
        Assert.Equal(returned[0], returned[1]);
        var sent = await host.Inspector.ListEventsAsync(new EventQuery { Name = "item/ready" });
        Assert.Equal(returned[0].Split(',').Order(), sent.Items.Select(e => e.Event.Id).Order());
        var handled = await host.WaitForRunsOfAsync("handle-item", 2);
        Assert.Equal(["1", "2"], handled.Select(r => r.Output!).Order());
        var step = (await host.StepsAsync(runId))[0];
        Assert.Equal(StepKind.SendEvent, step.Kind);
        Assert.Equal(StepStatus.Completed, step.Status);
    }

    [Fact]
    public async Task SendEvent_GivenId_ReturnsItAndDeduplicates()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object, string>(
                "sender",
                f => f.OnEvent("send/go"),
                async ctx =>
                {
                    var first = await ctx.Step.SendEvent("first", new EventMessage("item/ready") { Id = "fixed-id" });
                    var second = await ctx.Step.SendEvent("second", new EventMessage("item/ready") { Id = "fixed-id" });
                    return first[0] + "|" + second[0];
                })
            .AddFunction<object>("handle-item", f => f.OnEvent("item/ready"), _ => Task.CompletedTask));

        var run = await host.SendAndWaitAsync("send/go", functionId: "sender");

        Assert.Equal("\"fixed-id|fixed-id\"", run.Output);
        Assert.Single(await host.WaitForRunsOfAsync("handle-item", 1));
    }

    [Fact]
    public async Task SendEvent_MatchingAWaitingRun_ResumesIt()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object, int>(
                "waiter",
                f => f.OnEvent("job/started"),
                async ctx =>
                {
                    var done = await ctx.Step.WaitForEvent("done", "job/finished", TimeSpan.FromHours(1), match: "data.jobId");
                    return done!.Data.GetProperty("items").GetInt32();
                })
            .AddFunction<object>(
                "worker",
                f => f.OnEvent("job/work"),
                async ctx => await ctx.Step.SendEvent("report", new EventMessage("job/finished", new { jobId = ctx.Event.Data.GetProperty("jobId").GetString(), items = 12 }))));
        var waiterId = await host.StartRunAsync("job/started", new { jobId = "j-1" }, "waiter");
        await host.WaitForStatusAsync(waiterId, RunStatus.Waiting);

        await host.SendAsync("job/work", new { jobId = "j-1" });
        var run = await host.WaitForRunAsync(waiterId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("12", run.Output);
    }

    [Fact]
    public async Task SendEvent_InvalidEvent_FailsTheRun()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "bad-sender",
            f => f.OnEvent("send/go").Retries(0),
            async ctx => await ctx.Step.SendEvent("bad", new EventMessage(""))));

        var run = await host.SendAndWaitAsync("send/go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(typeof(InvalidEventException).FullName, run.Error!.Type);
        Assert.Equal(["send/go"], (await host.Inspector.ListEventsAsync(new EventQuery())).Items.Select(e => e.Event.Name));
        Assert.Empty(await host.StepsAsync(run.Id));
    }
}

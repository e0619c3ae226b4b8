using Baton.Hosting;
using Baton.Storage;
using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.Retention;

public sealed class FlowStateRetentionTests
{
    [Fact]
    public async Task Retention_SpentFlowState_IsPrunedAndTheRulesStillHold()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("limited", f => f.OnEvent("t/limited").RateLimit(1, TimeSpan.FromMinutes(1), "event.data.key"), _ => Task.CompletedTask)
            .AddFunction<object>("solo", f => f.OnEvent("t/solo").Singleton("event.data.key"), _ => Task.CompletedTask)
            .AddFunction<object>("calm", f => f.OnEvent("t/calm").Debounce(TimeSpan.FromSeconds(10), "event.data.key"), _ => Task.CompletedTask)
            .AddFunction<object>("paced", f => f.OnEvent("t/paced").Throttle(10, TimeSpan.FromMinutes(1), key: "event.data.key"), _ => Task.CompletedTask));
        await host.FirstPassAsync();
        var data = new { key = "k" };

        // One row of state each: the rate limiter's and the throttle's next allowed times, the singleton's holder and
        // the debounce's pending run.
        await host.SendAndWaitAsync("t/limited", data);
        await host.SendAndWaitAsync("t/solo", data);
        await host.SendAndWaitAsync("t/paced", data);
        await host.SendAsync("t/calm", data);
        host.Advance(TimeSpan.FromSeconds(10));
        await host.WaitForRunsOfAsync("calm", 1);

        // The next pass finds all four spent (their times passed, their runs finished) and deletes them; runs and
        // events are far younger than their retention age.
        var pruned = host.NextPassThatPrunes();
        host.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(new PruneResult(0, 0, 0, FlowState: 4), await pruned);

        // With the rows gone each rule starts from a clean slate: the rate limiter accepts one event and skips the next.
        await host.SendAndWaitAsync("t/limited", data);
        var skipped = await host.Client.SendAsync(new EventMessage("t/limited", data));
        Assert.Equal(2, (await host.RunsOfAsync("limited")).Count);
        var skip = (await host.Inspector.ListEventsAsync(new EventQuery())).Items.Single(e => e.Event.Id == skipped);
        Assert.Equal("limited", Assert.Single(skip.Skips).FunctionId);
    }
}

using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Flow;

public sealed class FlowKeyTests
{
    private const string Key = "event.data.n * 2";

    public static TheoryData<string, Action<FunctionBuilder>> Rules => new()
    {
        { "rate limit", f => f.RateLimit(10, TimeSpan.FromMinutes(1), Key) },
        { "debounce", f => f.Debounce(TimeSpan.FromMinutes(1), Key) },
        { "batch", f => f.Batch(10, TimeSpan.FromMinutes(1), Key) },
        { "singleton", f => f.Singleton(Key) },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Key_FailsToEvaluate_EventSkippedWithTheErrorAndOtherEventsStillFlow(string rule, Action<FunctionBuilder> configure)
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("f", f => configure(f.OnEvent("item/seen")), _ => Task.CompletedTask));

        var bad = await host.SendAsync("item/seen", new { n = "seven" });
        var good = await host.SendAsync("item/seen", new { n = 7 });

        var reason = Assert.Single((await host.SkipsAsync())[bad]).Reason;
        Assert.StartsWith($"{rule} key '{Key}' failed: ", reason, StringComparison.Ordinal);
        Assert.Contains("expects two numbers but got string and number", reason, StringComparison.Ordinal);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = Assert.Single(await host.WaitForFinishedAsync("f", 1));
        Assert.Equal(good, run.EventId);
        Assert.Single(await host.RunsOfAsync("f"));
    }
}

using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.Flow;

public sealed class IngestRuleConfigurationTests
{
    public static TheoryData<string, Action<FunctionBuilder>, string> BadRules => new()
    {
        { "rate-zero", f => f.OnEvent("a/b").RateLimit(0, TimeSpan.FromMinutes(1)), "rateLimit.limit" },
        { "rate-long", f => f.OnEvent("a/b").RateLimit(5, TimeSpan.FromHours(25)), "rateLimit.period" },
        { "rate-negative", f => f.OnEvent("a/b").RateLimit(5, TimeSpan.FromSeconds(-1)), "rateLimit.period" },
        { "rate-too-fine", f => f.OnEvent("a/b").RateLimit(1000, TimeSpan.FromMilliseconds(10)), "rateLimit.period" },
        { "rate-bad-key", f => f.OnEvent("a/b").RateLimit(5, TimeSpan.FromMinutes(1), "event.data.("), "rateLimit.key" },
        { "debounce-zero", f => f.OnEvent("a/b").Debounce(TimeSpan.Zero), "debounce.period" },
        { "debounce-short-timeout", f => f.OnEvent("a/b").Debounce(TimeSpan.FromMinutes(1), timeout: TimeSpan.FromSeconds(30)), "debounce.timeout" },
        { "debounce-bad-key", f => f.OnEvent("a/b").Debounce(TimeSpan.FromMinutes(1), "nope(event.data)"), "debounce.key" },
        { "batch-zero", f => f.OnEvent("a/b").Batch(0, TimeSpan.FromSeconds(5)), "batch.maxSize" },
        { "batch-huge", f => f.OnEvent("a/b").Batch(1001, TimeSpan.FromSeconds(5)), "batch.maxSize" },
        { "batch-no-timeout", f => f.OnEvent("a/b").Batch(10, TimeSpan.Zero), "batch.timeout" },
        { "batch-bad-key", f => f.OnEvent("a/b").Batch(10, TimeSpan.FromSeconds(5), "event.data.shop =="), "batch.key" },
        { "batch-and-debounce", f => f.OnEvent("a/b").Batch(10, TimeSpan.FromSeconds(5)).Debounce(TimeSpan.FromSeconds(5)), "batch" },
        { "singleton-and-debounce", f => f.OnEvent("a/b").Singleton().Debounce(TimeSpan.FromSeconds(5)), "singleton" },
        { "singleton-and-batch", f => f.OnEvent("a/b").Singleton().Batch(2, TimeSpan.FromSeconds(5)), "singleton" },
        { "singleton-bad-key", f => f.OnEvent("a/b").Singleton("event..x"), "singleton.key" },
        { "singleton-bad-mode", f => f.OnEvent("a/b").Singleton(mode: (SingletonMode)7), "singleton.mode" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public void AddFunction_InvalidIngestRule_ThrowsNamingFunctionAndField(string id, Action<FunctionBuilder> configure, string field)
    {
        var baton = new ServiceCollection().AddBaton();

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<object>(id, configure, _ => Task.CompletedTask));

        Assert.Equal(id, error.FunctionId);
        Assert.Equal(field, error.Field);
        Assert.StartsWith($"Function '{id}': {field}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimitAndDebounce_Together_OnlyAcceptedEventsReachThePendingRun()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("analyze", f => f.OnEvent("watchlist/changed").RateLimit(2, TimeSpan.FromHours(1)).Debounce(TimeSpan.FromMinutes(1)), _ => Task.CompletedTask));

        var ids = await host.Client.SendAsync(Enumerable.Range(0, 3).Select(i => new EventMessage("watchlist/changed", new { i })).ToArray());

        var pending = Assert.Single(await host.Inspector.ListPendingFlowAsync());
        Assert.Equal(ids[1], pending.EventId);
        Assert.Equal(2, pending.Events);
        var skips = await host.SkipsAsync();
        Assert.StartsWith("debounce: replaced by later event", Assert.Single(skips[ids[0]]).Reason, StringComparison.Ordinal);
        Assert.StartsWith("rate limit: 2 per 1h reached", Assert.Single(skips[ids[2]]).Reason, StringComparison.Ordinal);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = Assert.Single(await host.WaitForFinishedAsync("analyze", 1));
        Assert.Equal(ids[1], run.EventId);
    }

    [Fact]
    public async Task OnCron_SingletonCancel_NextTickCancelsTheRunStillActive()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("crawl-all", f => f.OnCron("*/10 * * * *").Singleton(mode: SingletonMode.Cancel), ctx => ctx.Step.Sleep("hold", TimeSpan.FromMinutes(15))));
        await host.WaitForLeadershipAsync();

        host.Advance(TimeSpan.FromMinutes(10));
        var first = Assert.Single(await host.WaitForRunsOfAsync("crawl-all", 1, r => r.Status == RunStatus.Sleeping));
        host.Advance(TimeSpan.FromMinutes(10));

        var cancelled = await host.WaitForStatusAsync(first.Id, RunStatus.Cancelled);
        var runs = await host.RunsOfAsync("crawl-all");
        Assert.Equal(2, runs.Count);
        Assert.StartsWith($"singleton: replaced by run {runs[1].Id} of event '{runs[1].EventId}'", cancelled.CancelReason, StringComparison.Ordinal);
    }
}

using Baton.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.Functions;

public sealed class FunctionConfigurationTests
{
    public static TheoryData<string, Action<FunctionBuilder>, string> BadConfigurations => new()
    {
        { "no-triggers", _ => { }, "triggers" },
        { "bad-cron", f => f.OnCron("*/5 * *"), "triggers[0].cron" },
        { "bad-cron-value", f => f.OnEvent("a/b").OnCron("61 * * * *"), "triggers[1].cron" },
        { "bad-zone", f => f.OnCron("0 * * * *", "Mars/Olympus_Mons"), "triggers[0].timeZone" },
        { "bad-filter", f => f.OnEvent("order/created", "event.data.amount >"), "triggers[0].if" },
        { "bad-filter-function", f => f.OnEvent("order/created", "nope(event.data)"), "triggers[0].if" },
        { "bad-wildcard", f => f.OnEvent("a*b"), "triggers[0].event" },
        { "bad-wildcard-middle", f => f.OnEvent("shop/*/created"), "triggers[0].event" },
        { "empty-event", f => f.OnEvent(""), "triggers[0].event" },
        { "control-event", f => f.OnEvent("order/\u0001"), "triggers[0].event" },
        { "negative-step-timeout", f => f.OnEvent("a/b").StepTimeout(TimeSpan.FromSeconds(-1)), "stepTimeout" },
        { "zero-start-timeout", f => f.OnEvent("a/b").StartTimeout(TimeSpan.Zero), "startTimeout" },
        { "negative-finish-timeout", f => f.OnEvent("a/b").FinishTimeout(TimeSpan.FromMinutes(-5)), "finishTimeout" },
        { "negative-retries", f => f.OnEvent("a/b").Retries(-1), "retry" },
        { "bad-backoff", f => f.OnEvent("a/b").Retry(new RetryPolicy { BackoffCoefficient = 0.5 }), "retry" },
        { "bad-jitter", f => f.OnEvent("a/b").Retry(new RetryPolicy { Jitter = 2 }), "retry" },
        { "cap-below-initial", f => f.OnEvent("a/b").Retry(new RetryPolicy { InitialInterval = TimeSpan.FromMinutes(5), MaximumInterval = TimeSpan.FromMinutes(1) }), "retry" },
        { "bad-idempotency", f => f.OnEvent("a/b").Idempotency("event.data.("), "idempotency" },
        { "bad-cancel-match", f => f.OnEvent("a/b").CancelOn("a/cancel", match: "data..id"), "cancelOn[0].match" },
        { "cancel-without-condition", f => f.OnEvent("a/b").CancelOn("a/cancel"), "cancelOn[0]" },
        { "cancel-bad-window", f => f.OnEvent("a/b").CancelOn("a/cancel", match: "data.id", window: TimeSpan.Zero), "cancelOn[0].window" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public void AddFunction_InvalidConfiguration_ThrowsNamingFunctionAndField(string id, Action<FunctionBuilder> configure, string field)
    {
        var baton = new ServiceCollection().AddBaton();

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<object>(id, configure, _ => Task.CompletedTask));

        Assert.Equal(id, error.FunctionId);
        Assert.Equal(field, error.Field);
        Assert.Contains($"'{id}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public void AddFunction_InvalidId_ThrowsForIdField(string id)
    {
        var baton = new ServiceCollection().AddBaton();

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<object>(id, f => f.OnEvent("a/b"), _ => Task.CompletedTask));

        Assert.Equal("id", error.Field);
    }

    [Fact]
    public void AddFunction_IdLongerThan128_ThrowsForIdField()
    {
        var baton = new ServiceCollection().AddBaton();
        var id = new string('f', 129);

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<object>(id, f => f.OnEvent("a/b"), _ => Task.CompletedTask));

        Assert.Equal("id", error.Field);
    }

    [Fact]
    public void AddFunction_InvalidClassFunction_ThrowsAtRegistration()
    {
        var baton = new ServiceCollection().AddBaton();

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<Noop>("class-fn", f => f.OnCron("not a cron")));

        Assert.Equal("class-fn", error.FunctionId);
        Assert.Equal("triggers[0].cron", error.Field);
    }

    [Fact]
    public void AddFunction_DuplicateId_ThrowsAtRegistration()
    {
        var baton = new ServiceCollection().AddBaton();
        baton.AddFunction<object>("twice", f => f.OnEvent("a/b"), _ => Task.CompletedTask);

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<Noop>("twice", f => f.OnEvent("a/c")));

        Assert.Equal("twice", error.FunctionId);
        Assert.Equal("id", error.Field);
    }

    [Fact]
    public void AddFunction_IdTakenByAnotherFunctionsFailureHandler_ThrowsAtRegistration()
    {
        var baton = new ServiceCollection().AddBaton();
        baton.AddFunction<object>("order", f => f.OnEvent("a/b"), _ => Task.CompletedTask, onFailure: _ => Task.CompletedTask);

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<object>("order/on-failure", f => f.OnEvent("a/c"), _ => Task.CompletedTask));

        Assert.Equal("order/on-failure", error.FunctionId);
        Assert.Equal("id", error.Field);
    }

    [Fact]
    public async Task StartAsync_InvalidFunction_FailsBeforeAnythingRuns()
    {
        var error = await Assert.ThrowsAsync<FunctionConfigurationException>(() => BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "broken",
            f => f.OnEvent("order/created", "event.data.amount >>> 1"),
            _ => Task.CompletedTask)));

        Assert.Equal("broken", error.FunctionId);
        Assert.Equal("triggers[0].if", error.Field);
    }

    [Fact]
    public async Task AddFunction_ValidConfiguration_Starts()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "valid",
            f => f.Name("Valid function")
                .OnEvent("order/*", "has(event.data.amount) && event.data.amount > 10")
                .OnCron("*/5 * * * *", "Europe/London")
                .Retry(new RetryPolicy { MaxRetries = 0 })
                .StepTimeout(TimeSpan.FromSeconds(30))
                .StartTimeout(TimeSpan.FromMinutes(1))
                .FinishTimeout(TimeSpan.FromHours(1))
                .Idempotency("event.data.orderId")
                .CancelOn("order/cancelled", match: "data.orderId", window: TimeSpan.FromHours(1))
                .CancelOn("order/voided", @if: "event.data.orderId == async.data.orderId"),
            _ => Task.CompletedTask));

        var run = await host.SendAndWaitAsync("order/created", new { orderId = "o-1", amount = 11 });

        Assert.Equal(RunStatus.Completed, run.Status);
    }

    public sealed class Noop : BatonFunction<object>
    {
        public override Task RunAsync(FunctionContext<object> context) => Task.CompletedTask;
    }
}

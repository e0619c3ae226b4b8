using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.FlowControl;

public sealed class FlowConfigurationTests
{
    public static TheoryData<string, Action<FunctionBuilder>, string> BadExpressions => new()
    {
        { "bad-concurrency-key", f => f.OnEvent("a/b").Concurrency(2, "event.data.("), "concurrency[0].key" },
        { "bad-second-concurrency-key", f => f.OnEvent("a/b").Concurrency(2).Concurrency(1, "nope(event)"), "concurrency[1].key" },
        { "bad-throttle-key", f => f.OnEvent("a/b").Throttle(1, TimeSpan.FromSeconds(1), key: "event.data.a >"), "throttle.key" },
        { "bad-priority", f => f.OnEvent("a/b").Priority("event.data.boost *"), "priority" },
        { "throttle-too-fine", f => f.OnEvent("a/b").Throttle(1000, TimeSpan.FromMilliseconds(10)), "throttle" },
    };

    [Theory]
    [MemberData(nameof(BadExpressions))]
    public void AddFunction_InvalidFlowExpression_ThrowsNamingFunctionAndField(string id, Action<FunctionBuilder> configure, string field)
    {
        var baton = new ServiceCollection().AddBaton();

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<object>(id, configure, _ => Task.CompletedTask));

        Assert.Equal(id, error.FunctionId);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Concurrency_ThirdConstraint_Throws()
    {
        var baton = new ServiceCollection().AddBaton();

        var error = Assert.Throws<FunctionConfigurationException>(() => baton.AddFunction<object>(
            "three",
            f => f.OnEvent("a/b").Concurrency(1).Concurrency(2, "event.data.a").Concurrency(3, "event.data.b"),
            _ => Task.CompletedTask));

        Assert.Equal("concurrency", error.Field);
    }

    [Fact]
    public void FlowArguments_OutOfRange_ThrowArgumentExceptionsNamingTheArgument()
    {
        var baton = new ServiceCollection().AddBaton();
        void Add(Action<FunctionBuilder> configure) => baton.AddFunction<object>("f", f => configure(f.OnEvent("a/b")), _ => Task.CompletedTask);

        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => Add(f => f.Concurrency(0))).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => Add(f => f.Concurrency(1, scope: ConcurrencyScope.Shared))).ParamName);
        Assert.Equal("scope", Assert.Throws<ArgumentException>(() => Add(f => f.Concurrency(1, "event.data.a", (ConcurrencyScope)7))).ParamName);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => Add(f => f.Throttle(0, TimeSpan.FromSeconds(1)))).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => Add(f => f.Throttle(1, TimeSpan.Zero))).ParamName);
        Assert.Equal("burst", Assert.Throws<ArgumentOutOfRangeException>(() => Add(f => f.Throttle(1, TimeSpan.FromSeconds(1), burst: 0))).ParamName);
        Assert.Equal("expression", Assert.Throws<ArgumentException>(() => Add(f => f.Priority(" "))).ParamName);
    }
}

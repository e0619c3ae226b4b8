namespace Baton.Tests.Expressions;

public class RootVariablesTests
{
    [Theory]
    [InlineData("event.data.x == async.data.x", new[] { "async", "event" })]
    [InlineData("size(event.data.items) > 0", new[] { "event" })]
    [InlineData("has(async.data.id)", new[] { "async" })]
    [InlineData("event.data[key.name]", new[] { "event", "key" })]
    [InlineData("event.data.async.id", new[] { "event" })]
    [InlineData("lower(x) == lower(x)", new[] { "x" })]
    [InlineData("event.a in [other.b, \"c\"]", new[] { "event", "other" })]
    [InlineData("1 + 2", new string[0])]
    public void RootVariables_AfterParse_ListsIdentifiersAtPathRoots(string text, string[] expected)
    {
        BatonExpression expression = BatonExpression.Parse(text);

        Assert.Equal(expected, expression.RootVariables.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RootVariables_Contains_IsCaseSensitive()
    {
        BatonExpression expression = BatonExpression.Parse("event.x");

        Assert.True(expression.RootVariables.Contains("event"));
        Assert.False(expression.RootVariables.Contains("Event"));
    }
}

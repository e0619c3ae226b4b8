using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class PathTests
{
    [Theory]
    [InlineData("event.name", "order/created")]
    [InlineData("event.data.marketplace", "EBAY_GB")]
    [InlineData("event.data.items[1].sku", "B-2")]
    [InlineData("event.data[\"odd key\"]", "odd")]
    [InlineData("event.data['odd key']", "odd")]
    [InlineData("event[\"data\"].customer[\"email\"]", "Ann@Example.com")]
    [InlineData("event.data.tags[0]", "new")]
    public void Evaluate_ExistingStringPath_ReturnsValue(string text, string expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("event.data.price", 12.5)]
    [InlineData("event.data.items[0].price", 10.0)]
    [InlineData("event.data.customer.id", 42.0)]
    public void Evaluate_ExistingNumberPath_ReturnsDouble(string text, double expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("event.data.nope")]
    [InlineData("event.data.nope.deeper")]
    [InlineData("event.data.items[5]")]
    [InlineData("event.data.items[5].sku")]
    [InlineData("event.data.marketplace.length")]
    [InlineData("event.data.tags.first")]
    [InlineData("event.data.customer[0]")]
    [InlineData("event.data.coupon.code")]
    [InlineData("other.data")]
    public void Evaluate_MissingPath_ReturnsNull(string text)
    {
        Assert.Null(Evaluate(text));
    }

    [Fact]
    public void Evaluate_JsonNullField_ReturnsNull()
    {
        Assert.Null(Evaluate("event.data.coupon"));
    }

    [Theory]
    [InlineData("event.data.items[event.data.quantity - 1].sku", "B-2")]
    [InlineData("event.data.items[0 + 1].sku", "B-2")]
    [InlineData("event.data[\"cus\" + \"tomer\"].email", "Ann@Example.com")]
    public void Evaluate_ComputedIndex_ReturnsValue(string text, string expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("event.data.items[-1]")]
    [InlineData("event.data.items[1 / 2]")]
    [InlineData("event.data.items[event.data.nope]")]
    [InlineData("event.data.customer[1 + 1]")]
    public void Evaluate_ComputedIndexThatDoesNotExist_ReturnsNull(string text)
    {
        Assert.Null(Evaluate(text));
    }

    [Fact]
    public void Evaluate_ComputedIndexOfWrongType_ThrowsEvaluationException()
    {
        ExpressionEvaluationException error = EvaluationFails("event.data.items[true]");

        Assert.Contains("index must be a number or a string but was bool", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("event.data.in", "{\"data\":{\"in\":1}}")]
    [InlineData("event.data.true", "{\"data\":{\"true\":1}}")]
    [InlineData("event.data.null", "{\"data\":{\"null\":1}}")]
    [InlineData("event._under_score9", "{\"_under_score9\":1}")]
    public void Evaluate_KeywordOrUnderscoreFieldName_ReadsField(string text, string json)
    {
        Assert.Equal(1.0, Evaluate(text, json));
    }

    [Fact]
    public void Evaluate_BareVariable_ReturnsWholeValue()
    {
        Assert.Equal("x", BatonExpression.Parse("v").Evaluate(new ExpressionScope("v", Json("\"x\""))));
    }

    [Fact]
    public void Evaluate_TwoVariableScope_ReadsBoth()
    {
        BatonExpression expression = BatonExpression.Parse("event.data.id == async.data.id");
        var matching = new ExpressionScope("event", Json("{\"data\":{\"id\":7}}"), "async", Json("{\"data\":{\"id\":7.0}}"));
        var different = new ExpressionScope("event", Json("{\"data\":{\"id\":7}}"), "async", Json("{\"data\":{\"id\":8}}"));

        Assert.True(expression.EvaluateCondition(matching));
        Assert.False(expression.EvaluateCondition(different));
    }

    [Fact]
    public void Evaluate_DefaultScope_TreatsVariablesAsMissing()
    {
        Assert.Null(BatonExpression.Parse("event.data").Evaluate(default));
        Assert.True(BatonExpression.Parse("event == null").EvaluateCondition(default));
    }

    [Fact]
    public void Evaluate_UndefinedJsonElementInScope_TreatsVariableAsMissing()
    {
        var scope = new ExpressionScope("event", default);

        Assert.False(BatonExpression.Parse("has(event)").EvaluateCondition(scope));
    }
}

using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class EvaluateConditionTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("event.data.prime", true)]
    [InlineData("event.data.price > 100", false)]
    [InlineData("null", false)]
    [InlineData("event.data.coupon", false)]
    [InlineData("event.data.nope", false)]
    public void EvaluateCondition_BoolOrNullResult_ReturnsBool(string text, bool expected)
    {
        Assert.Equal(expected, Condition(text));
    }

    [Theory]
    [InlineData("1", "number")]
    [InlineData("event.data.marketplace", "string")]
    [InlineData("event.data.tags", "array")]
    [InlineData("event.data.customer", "object")]
    public void EvaluateCondition_NonBoolResult_ThrowsEvaluationException(string text, string type)
    {
        BatonExpression expression = BatonExpression.Parse(text);

        ExpressionEvaluationException error = Assert.Throws<ExpressionEvaluationException>(
            () => expression.EvaluateCondition(Event()));

        Assert.Equal(text, error.Expression);
        Assert.Contains($"must evaluate to a bool but this one evaluated to {type}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateCondition_TypeErrorInside_ThrowsEvaluationException()
    {
        BatonExpression expression = BatonExpression.Parse("event.data.marketplace > 1");

        Assert.Throws<ExpressionEvaluationException>(() => expression.EvaluateCondition(Event()));
    }
}

using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class LogicalTests
{
    [Theory]
    [InlineData("true && true", true)]
    [InlineData("true && false", false)]
    [InlineData("false && true", false)]
    [InlineData("true || false", true)]
    [InlineData("false || false", false)]
    [InlineData("false || true", true)]
    [InlineData("!true", false)]
    [InlineData("!false", true)]
    [InlineData("!!true", true)]
    [InlineData("true && true && true && false", false)]
    [InlineData("false || false || false || true", true)]
    public void Evaluate_LogicalOperators_ReturnBool(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("true || false && false", true)]
    [InlineData("(true || false) && false", false)]
    [InlineData("!false && false", false)]
    [InlineData("!(false && false)", true)]
    [InlineData("1 == 1 && 2 == 2", true)]
    [InlineData("1 == 2 || 2 == 2", true)]
    [InlineData("false && false || true", true)]
    public void Evaluate_LogicalPrecedence_AndBindsTighterThanOr(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("false && (1 < \"a\")", false)]
    [InlineData("true || (1 < \"a\")", true)]
    [InlineData("false && 1 / 0 == 1", false)]
    [InlineData("true || size(1) == 1", true)]
    [InlineData("event.data.nope && event.data.nope.x > 1", false)]
    [InlineData("has(event.data.nope) && event.data.nope > 10", false)]
    public void Evaluate_ShortCircuit_SkipsRightSide(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("null && true", false)]
    [InlineData("null || true", true)]
    [InlineData("event.data.nope || false", false)]
    [InlineData("!null", true)]
    [InlineData("!event.data.nope", true)]
    [InlineData("!event.data.prime", false)]
    public void Evaluate_NullOperandOfLogicalOperator_CountsAsFalse(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("1 && true", "operator '&&' expects a bool but got number")]
    [InlineData("true && \"yes\"", "operator '&&' expects a bool but got string")]
    [InlineData("false || event.data.tags", "operator '||' expects a bool but got array")]
    [InlineData("!event.data.marketplace", "operator '!' expects a bool but got string")]
    public void Evaluate_NonBoolOperandOfLogicalOperator_ThrowsEvaluationException(string text, string message)
    {
        ExpressionEvaluationException error = EvaluationFails(text);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateCondition_DocumentedFilterExample_MatchesOnlyMatchingEvents()
    {
        BatonExpression filter = BatonExpression.Parse("event.data.marketplace == \"EBAY_GB\" && event.data.price > 10");

        Assert.True(filter.EvaluateCondition(Event("{\"data\":{\"marketplace\":\"EBAY_GB\",\"price\":10.5}}")));
        Assert.False(filter.EvaluateCondition(Event("{\"data\":{\"marketplace\":\"EBAY_GB\",\"price\":10}}")));
        Assert.False(filter.EvaluateCondition(Event("{\"data\":{\"marketplace\":\"EBAY_US\",\"price\":99}}")));
        Assert.False(filter.EvaluateCondition(Event("{\"data\":{\"price\":99}}")));
    }
}

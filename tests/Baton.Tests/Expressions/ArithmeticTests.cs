using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class ArithmeticTests
{
    [Theory]
    [InlineData("1 + 2", 3.0)]
    [InlineData("5 - 7", -2.0)]
    [InlineData("4 * 2.5", 10.0)]
    [InlineData("9 / 2", 4.5)]
    [InlineData("7 % 3", 1.0)]
    [InlineData("-7 % 3", -1.0)]
    [InlineData("-(2 + 3)", -5.0)]
    [InlineData("--4", 4.0)]
    [InlineData("event.data.price * event.data.quantity", 25.0)]
    [InlineData("event.data.items[0].price + event.data.items[1].price", 12.5)]
    public void Evaluate_NumberArithmetic_ReturnsResult(string text, double expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("1 + 2 * 3", 7.0)]
    [InlineData("(1 + 2) * 3", 9.0)]
    [InlineData("10 - 4 - 3", 3.0)]
    [InlineData("100 / 10 / 5", 2.0)]
    [InlineData("2 * 3 % 4", 2.0)]
    [InlineData("-2 * 3", -6.0)]
    [InlineData("1 - -1", 2.0)]
    public void Evaluate_ArithmeticPrecedence_FollowsUsualRules(string text, double expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("\"a\" + \"b\"", "ab")]
    [InlineData("\"n=\" + 2", "n=2")]
    [InlineData("2.5 + \"x\"", "2.5x")]
    [InlineData("\"flag:\" + true", "flag:true")]
    [InlineData("\"v\" + null", "v")]
    [InlineData("\"v\" + event.data.nope", "v")]
    [InlineData("event.data.marketplace + \"-\" + event.data.customer.id", "EBAY_GB-42")]
    [InlineData("\"tags=\" + event.data.tags", "tags=[\"new\",\"gift\"]")]
    [InlineData("1 + 2 + \"x\"", "3x")]
    [InlineData("\"x\" + 1 + 2", "x12")]
    public void Evaluate_PlusWithString_Concatenates(string text, string expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("1 + true", "operator '+' expects two numbers, or a string on either side but got number and bool")]
    [InlineData("null + 1", "operator '+' expects two numbers, or a string on either side but got null and number")]
    [InlineData("event.data.tags + 1", "but got array and number")]
    [InlineData("\"a\" - 1", "operator '-' expects two numbers but got string and number")]
    [InlineData("event.data.nope * 2", "operator '*' expects two numbers but got missing and number")]
    [InlineData("2 / \"1\"", "operator '/' expects two numbers but got number and string")]
    [InlineData("-\"a\"", "operator '-' expects a number but got string")]
    public void Evaluate_ArithmeticOnWrongTypes_ThrowsEvaluationException(string text, string message)
    {
        ExpressionEvaluationException error = EvaluationFails(text);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(text, error.Expression);
    }

    [Theory]
    [InlineData("1 / 0", "division by zero (at position 2)")]
    [InlineData("1 % (2 - 2)", "remainder by zero (at position 2)")]
    public void Evaluate_DivisionByZero_ThrowsEvaluationException(string text, string message)
    {
        ExpressionEvaluationException error = EvaluationFails(text);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}

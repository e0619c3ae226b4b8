using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class ParseErrorTests
{
    [Theory]
    [InlineData("event.data.x ==", 15, "expected a value but reached the end of the expression")]
    [InlineData("1 +", 3, "expected a value but reached the end of the expression")]
    [InlineData("()", 1, "expected a value but found ')'")]
    [InlineData("(1 + 2", 6, "expected ')' to close the '(' opened at position 0, but reached the end of the expression")]
    [InlineData("1 2", 2, "unexpected '2'")]
    [InlineData("event.data.", 11, "expected a field name after '.' but found the end of the expression")]
    [InlineData("event..x", 6, "expected a field name after '.' but found '.'")]
    [InlineData("event.data.0", 11, "expected a field name after '.' but found '0'")]
    [InlineData("event.items[1.5]", 12, "an array index must be a non-negative integer")]
    [InlineData("event.items[0", 13, "expected ']' to close the index opened at position 11")]
    [InlineData("1 in [1, 2", 10, "expected ',' or ']' to close the list opened at position 5")]
    [InlineData("[1, 2]", 0, "a list like [1, 2] is only allowed on the right of 'in'")]
    [InlineData("event.name.startsWith(\"a\")", 11, "method calls are not supported")]
    [InlineData("true && || false", 8, "expected a value but found '||'")]
    public void Parse_SyntaxError_ThrowsWithPosition(string text, int position, string problem)
    {
        ExpressionException error = ParseFails(text);

        Assert.Equal(position, error.Position);
        Assert.Equal(text, error.Expression);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 = 1", 2, "use '==' to compare")]
    [InlineData("a & b", 2, "use '&&' for logical and")]
    [InlineData("a | b", 2, "use '||' for logical or")]
    [InlineData("event.x # 1", 8, "unexpected character '#'")]
    [InlineData("1e", 0, "the exponent has no digits")]
    [InlineData("x == 12abc", 5, "invalid number")]
    [InlineData("1e999", 0, "number is out of range")]
    public void Parse_BadCharacterOrNumber_ThrowsWithPosition(string text, int position, string problem)
    {
        ExpressionException error = ParseFails(text);

        Assert.Equal(position, error.Position);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"abc", 0)]
    [InlineData("event.name == 'abc", 14)]
    [InlineData("'it\\'s", 0)]
    [InlineData("\"abc\\", 0)]
    public void Parse_UnterminatedString_ThrowsAtOpeningQuote(string text, int position)
    {
        ExpressionException error = ParseFails(text);

        Assert.Equal(position, error.Position);
        Assert.Contains("unterminated string literal", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"a\\qb\"", 2, "unknown escape sequence '\\q'")]
    [InlineData("\"\\u12\"", 1, "invalid \\u escape")]
    [InlineData("\"\\u12G4\"", 1, "invalid \\u escape")]
    public void Parse_BadEscape_ThrowsAtBackslash(string text, int position, string problem)
    {
        ExpressionException error = ParseFails(text);

        Assert.Equal(position, error.Position);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo(1)", 0)]
    [InlineData("event.x && bar()", 11)]
    [InlineData("size(frobnicate(event))", 5)]
    [InlineData("Size(\"a\")", 0)]
    public void Parse_UnknownFunction_ThrowsAtFunctionName(string text, int position)
    {
        ExpressionException error = ParseFails(text);

        Assert.Equal(position, error.Position);
        Assert.Contains("unknown function", error.Message, StringComparison.Ordinal);
        Assert.Contains("available functions are size, has", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("size(1, 2)", 0, "function 'size' takes 1 argument but got 2")]
    [InlineData("size()", 0, "function 'size' takes 1 argument but got 0")]
    [InlineData("x && startsWith(\"a\")", 5, "function 'startsWith' takes 2 arguments but got 1")]
    public void Parse_WrongArgumentCount_ThrowsAtFunctionName(string text, int position, string problem)
    {
        ExpressionException error = ParseFails(text);

        Assert.Equal(position, error.Position);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has(1)", 4)]
    [InlineData("has( event.x + 1)", 5)]
    [InlineData("has(lower(event.x))", 4)]
    public void Parse_HasWithoutPath_ThrowsAtArgument(string text, int position)
    {
        ExpressionException error = ParseFails(text);

        Assert.Equal(position, error.Position);
        Assert.Contains("has() expects a field path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepParentheses_ThrowsInsteadOfOverflowingStack()
    {
        string text = new string('(', 5000) + "1" + new string(')', 5000);

        ExpressionException error = ParseFails(text);

        Assert.Contains("nested more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongArithmeticChain_ThrowsInsteadOfBuildingDeepTree()
    {
        string text = string.Join(" + ", Enumerable.Repeat("1", 500));

        ExpressionException error = ParseFails(text);

        Assert.Contains("nested more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongOrChain_IsAllowed()
    {
        string text = string.Join(" || ", Enumerable.Range(0, 500).Select(i => $"event.data.quantity == {i}"));

        Assert.True(BatonExpression.Parse(text).EvaluateCondition(Event()));
    }

    [Fact]
    public void Parse_ModerateNesting_IsAllowed()
    {
        string text = new string('(', 50) + "1" + new string(')', 50);

        Assert.Equal(1.0, BatonExpression.Parse(text).Evaluate(Event()));
    }
}

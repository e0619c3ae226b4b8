using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class FunctionTests
{
    [Theory]
    [InlineData("size(\"hello\")", 5.0)]
    [InlineData("size(\"\")", 0.0)]
    [InlineData("size(event.data.marketplace)", 7.0)]
    [InlineData("size(event.data.tags)", 2.0)]
    [InlineData("size(event.data.customer)", 2.0)]
    [InlineData("size(event.data.items[0].sku + \"xy\")", 5.0)]
    public void Evaluate_Size_ReturnsLengthOrCount(string text, double expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("size(1)", "size() expects a string, an array or an object but got number")]
    [InlineData("size(event.data.nope)", "size() expects a string, an array or an object but got missing")]
    public void Evaluate_SizeOfWrongType_ThrowsEvaluationException(string text, string message)
    {
        Assert.Contains(message, EvaluationFails(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has(event.data.price)", true)]
    [InlineData("has(event.data.coupon)", true)]
    [InlineData("has(event.data.nope)", false)]
    [InlineData("has(event.data.nope.deeper)", false)]
    [InlineData("has(event.data.items[1])", true)]
    [InlineData("has(event.data.items[2])", false)]
    [InlineData("has(event.data[\"odd key\"])", true)]
    [InlineData("has(event)", true)]
    [InlineData("has(other)", false)]
    [InlineData("!has(event.data.nope)", true)]
    public void Evaluate_Has_ReportsWhetherPathExists(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("string(2)", "2")]
    [InlineData("string(2.5)", "2.5")]
    [InlineData("string(true)", "true")]
    [InlineData("string(\"s\")", "s")]
    [InlineData("string(event.data.quantity)", "2")]
    [InlineData("string(event.data.tags)", "[\"new\",\"gift\"]")]
    public void Evaluate_String_ConvertsToString(string text, string expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("string(null)")]
    [InlineData("string(event.data.nope)")]
    public void Evaluate_StringOfNull_ReturnsNull(string text)
    {
        Assert.Null(Evaluate(text));
    }

    [Fact]
    public void Evaluate_StringEqualsNumberText_ComparesAsStrings()
    {
        Assert.Equal(true, Evaluate("string(event.data.customer.id) == \"42\""));
    }

    [Theory]
    [InlineData("int(2.9)", 2.0)]
    [InlineData("int(-2.9)", -2.0)]
    [InlineData("int(7)", 7.0)]
    [InlineData("int(\"12.7\")", 12.0)]
    [InlineData("int(\" -3 \")", -3.0)]
    [InlineData("int(\"1e2\")", 100.0)]
    [InlineData("int(event.data.price)", 12.0)]
    public void Evaluate_Int_Truncates(string text, double expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("int(\"abc\")", "int() cannot convert the string 'abc' to a number")]
    [InlineData("int(true)", "int() expects a number or a numeric string but got bool")]
    [InlineData("int(null)", "int() expects a number or a numeric string but got null")]
    public void Evaluate_IntOfWrongValue_ThrowsEvaluationException(string text, string message)
    {
        Assert.Contains(message, EvaluationFails(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lower(\"AbC\")", "abc")]
    [InlineData("upper(\"AbC\")", "ABC")]
    [InlineData("lower(event.data.customer.email)", "ann@example.com")]
    [InlineData("upper(event.data.items[0].sku)", "A-1")]
    public void Evaluate_LowerUpper_ChangesCase(string text, string expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("lower(1)", "lower() expects a string but got number")]
    [InlineData("upper(event.data.tags)", "upper() expects a string but got array")]
    public void Evaluate_LowerUpperOfNonString_ThrowsEvaluationException(string text, string message)
    {
        Assert.Contains(message, EvaluationFails(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("startsWith(\"EBAY_GB\", \"EBAY\")", true)]
    [InlineData("startsWith(\"EBAY_GB\", \"GB\")", false)]
    [InlineData("startsWith(event.data.marketplace, \"ebay\")", false)]
    [InlineData("endsWith(event.data.marketplace, \"_GB\")", true)]
    [InlineData("endsWith(\"abc\", \"b\")", false)]
    [InlineData("contains(event.data.customer.email, \"@\")", true)]
    [InlineData("contains(\"abc\", \"d\")", false)]
    [InlineData("contains(\"abc\", \"\")", true)]
    [InlineData("startsWith(lower(event.data.marketplace), \"ebay\")", true)]
    public void Evaluate_StringTests_AreOrdinal(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("startsWith(1, \"a\")", "startsWith() expects two strings but got number and string")]
    [InlineData("endsWith(\"a\", null)", "endsWith() expects two strings but got string and null")]
    [InlineData("contains(event.data.tags, \"new\")", "contains() expects two strings but got array and string")]
    public void Evaluate_StringTestsOnNonStrings_ThrowEvaluationException(string text, string message)
    {
        Assert.Contains(message, EvaluationFails(text).Message, StringComparison.Ordinal);
    }
}

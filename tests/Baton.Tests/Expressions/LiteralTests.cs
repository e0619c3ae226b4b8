using System.Text.Json;
using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class LiteralTests
{
    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("42", 42.0)]
    [InlineData("3.25", 3.25)]
    [InlineData("1e3", 1000.0)]
    [InlineData("2.5E-1", 0.25)]
    [InlineData("1e+2", 100.0)]
    [InlineData("-7", -7.0)]
    [InlineData("-0.5", -0.5)]
    public void Evaluate_NumberLiteral_ReturnsDouble(string text, double expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("\"hello\"", "hello")]
    [InlineData("'hello'", "hello")]
    [InlineData("\"\"", "")]
    [InlineData("'say \"hi\"'", "say \"hi\"")]
    [InlineData("\"it's\"", "it's")]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("'a\\'b'", "a'b")]
    [InlineData("\"back\\\\slash\"", "back\\slash")]
    [InlineData("\"line\\nbreak\"", "line\nbreak")]
    [InlineData("\"tab\\tstop\"", "tab\tstop")]
    [InlineData("\"\\u00e9t\\u00C9\"", "\u00e9t\u00c9")]
    [InlineData("\"x\\u0041y\"", "xAy")]
    public void Evaluate_StringLiteral_ReturnsUnescapedString(string text, string expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Fact]
    public void Evaluate_BoolAndNullLiterals_ReturnClrValues()
    {
        Assert.Equal(true, Evaluate("true"));
        Assert.Equal(false, Evaluate("false"));
        Assert.Null(Evaluate("null"));
    }

    [Fact]
    public void Evaluate_ParenthesizedLiteral_ReturnsInnerValue()
    {
        Assert.Equal(5.0, Evaluate("((5))"));
    }

    [Fact]
    public void Evaluate_JsonObjectPath_ReturnsJsonElement()
    {
        object? result = Evaluate("event.data.customer");

        JsonElement element = Assert.IsType<JsonElement>(result);
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        Assert.Equal(42, element.GetProperty("id").GetInt32());
    }

    [Fact]
    public void Evaluate_JsonArrayPath_ReturnsJsonElement()
    {
        JsonElement element = Assert.IsType<JsonElement>(Evaluate("event.data.tags"));

        Assert.Equal(JsonValueKind.Array, element.ValueKind);
        Assert.Equal(2, element.GetArrayLength());
    }

    [Fact]
    public void ToString_Always_ReturnsText()
    {
        BatonExpression expression = BatonExpression.Parse(" event.data.x == 1 ");

        Assert.Equal(" event.data.x == 1 ", expression.ToString());
        Assert.Equal(" event.data.x == 1 ", expression.Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_NullOrBlank_ThrowsArgumentException(string? text)
    {
        Assert.ThrowsAny<ArgumentException>(() => BatonExpression.Parse(text!));
    }
}

using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class ComparisonTests
{
    [Theory]
    [InlineData("1 == 1", true)]
    [InlineData("1 == 2", false)]
    [InlineData("1 != 2", true)]
    [InlineData("2 == 2.0", true)]
    [InlineData("\"a\" == \"a\"", true)]
    [InlineData("\"a\" == \"A\"", false)]
    [InlineData("'a' != \"a\"", false)]
    [InlineData("true == true", true)]
    [InlineData("true == false", false)]
    [InlineData("null == null", true)]
    [InlineData("null != null", false)]
    public void Evaluate_EqualityOfLiterals_ComparesValues(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("1 == \"1\"")]
    [InlineData("true == 1")]
    [InlineData("null == false")]
    [InlineData("null == 0")]
    [InlineData("\"\" == null")]
    [InlineData("event.data.tags == \"new\"")]
    [InlineData("event.data.customer == event.data.tags")]
    public void Evaluate_EqualityOfDifferentTypes_IsFalseWithoutError(string text)
    {
        Assert.Equal(false, Evaluate(text));
        Assert.Equal(true, Evaluate(text.Replace("==", "!=", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("event.data.marketplace == \"EBAY_GB\"", true)]
    [InlineData("\"EBAY_GB\" == event.data.marketplace", true)]
    [InlineData("event.data.marketplace == \"EBAY_US\"", false)]
    [InlineData("event.data.quantity == 2", true)]
    [InlineData("event.data.items[0].price == 10.0", true)]
    [InlineData("event.data.prime == true", true)]
    [InlineData("event.data.coupon == null", true)]
    [InlineData("event.data.nope == null", true)]
    [InlineData("event.data.nope == event.data.coupon", true)]
    [InlineData("event.data.nope != null", false)]
    [InlineData("event.data.marketplace == null", false)]
    [InlineData("event.data.items[0].sku == event.data.items[0].sku", true)]
    [InlineData("event.data.items[0].sku == event.data.items[1].sku", false)]
    public void Evaluate_EqualityWithPaths_ComparesJsonValues(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Fact]
    public void Evaluate_JsonNumbersWithDifferentSpelling_AreEqual()
    {
        Assert.Equal(true, Evaluate("event.a == event.b", "{\"a\": 2, \"b\": 2.0}"));
        Assert.Equal(true, Evaluate("event.a == event.b", "{\"a\": 100, \"b\": 1e2}"));
    }

    [Fact]
    public void Evaluate_JsonStringsWithEscapes_CompareByValue()
    {
        const string json = "{\"a\": \"caf\\u00e9\", \"b\": \"caf\u00e9\"}";

        Assert.Equal(true, Evaluate("event.a == event.b", json));
        Assert.Equal(true, Evaluate("event.a == \"caf\\u00e9\"", json));
    }

    [Theory]
    [InlineData("{\"a\": {\"x\": 1, \"y\": [1, 2]}, \"b\": {\"y\": [1, 2.0], \"x\": 1}}", true)]
    [InlineData("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}}", false)]
    [InlineData("{\"a\": {\"x\": 1}, \"b\": {\"x\": 1, \"z\": 1}}", false)]
    [InlineData("{\"a\": [1, 2], \"b\": [1, 2]}", true)]
    [InlineData("{\"a\": [1, 2], \"b\": [2, 1]}", false)]
    public void Evaluate_JsonObjectsAndArrays_CompareStructurally(string json, bool expected)
    {
        Assert.Equal(expected, Evaluate("event.a == event.b", json));
    }

    [Theory]
    [InlineData("1 < 2", true)]
    [InlineData("2 < 2", false)]
    [InlineData("2 <= 2", true)]
    [InlineData("3 <= 2", false)]
    [InlineData("3 > 2", true)]
    [InlineData("2 > 2", false)]
    [InlineData("2 >= 2", true)]
    [InlineData("1 >= 2", false)]
    [InlineData("\"a\" < \"b\"", true)]
    [InlineData("\"B\" < \"a\"", true)]
    [InlineData("\"abc\" >= \"abd\"", false)]
    [InlineData("event.data.price > 10", true)]
    [InlineData("event.data.price <= 12.5", true)]
    [InlineData("event.data.items[1].sku > event.data.items[0].sku", true)]
    [InlineData("event.data.marketplace < \"EBAY_US\"", true)]
    public void Evaluate_Ordering_ComparesNumbersAndStrings(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("1 < \"a\"", "operator '<' cannot compare number with string")]
    [InlineData("\"a\" >= 1", "operator '>=' cannot compare string with number")]
    [InlineData("true > false", "operator '>' cannot compare bool with bool")]
    [InlineData("null <= 1", "operator '<=' cannot compare null with number")]
    [InlineData("event.data.nope > 10", "operator '>' cannot compare missing with number")]
    [InlineData("event.data.tags < event.data.tags", "operator '<' cannot compare array with array")]
    public void Evaluate_OrderingOfNonComparableTypes_ThrowsEvaluationException(string text, string message)
    {
        ExpressionEvaluationException error = EvaluationFails(text);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OrderingError_ReportsOperatorPosition()
    {
        ExpressionEvaluationException error = EvaluationFails("event.data.price > \"10\"");

        Assert.Contains("(at position 17)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 + 1 == 2", true)]
    [InlineData("1 < 2 == true", true)]
    [InlineData("2 * 3 > 5", true)]
    [InlineData("1 + 2 < 2 + 2", true)]
    public void Evaluate_ComparisonPrecedence_BindsLooserThanArithmetic(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }
}

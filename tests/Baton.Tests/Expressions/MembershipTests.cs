using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class MembershipTests
{
    [Theory]
    [InlineData("1 in [1, 2]", true)]
    [InlineData("3 in [1, 2]", false)]
    [InlineData("2.0 in [1, 2]", true)]
    [InlineData("\"b\" in ['a', 'b']", true)]
    [InlineData("\"1\" in [1, 2]", false)]
    [InlineData("null in [1, null]", true)]
    [InlineData("1 in []", false)]
    [InlineData("event.data.marketplace in [\"EBAY_GB\", \"EBAY_US\"]", true)]
    [InlineData("event.data.marketplace in [\"AMAZON_DE\"]", false)]
    [InlineData("event.data.quantity in [1 + 1, 3]", true)]
    [InlineData("event.data.nope in [null]", true)]
    public void Evaluate_InListLiteral_ChecksMembership(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Fact]
    public void Evaluate_InListLiteral_StopsAtFirstMatch()
    {
        Assert.Equal(true, Evaluate("1 in [1, 1 / 0]"));
    }

    [Theory]
    [InlineData("\"gift\" in event.data.tags", true)]
    [InlineData("\"old\" in event.data.tags", false)]
    [InlineData("1 in event.data.tags", false)]
    [InlineData("event.data.tags[0] in event.data.tags", true)]
    [InlineData("10 in event.a", true)]
    [InlineData("true in event.a", true)]
    [InlineData("null in event.a", true)]
    [InlineData("11 in event.a", false)]
    [InlineData("event.data.nope in event.data.tags", false)]
    public void Evaluate_InJsonArray_ChecksMembership(string text, bool expected)
    {
        string json = text.Contains("event.a", StringComparison.Ordinal) ? "{\"a\": [1e1, true, null]}" : Order;

        Assert.Equal(expected, Evaluate(text, json));
    }

    [Fact]
    public void Evaluate_InJsonArrayOfObjects_ComparesStructurally()
    {
        const string json = "{\"a\": [{\"x\": 1}, {\"x\": 2}], \"b\": {\"x\": 2.0}, \"c\": {\"x\": 3}}";

        Assert.Equal(true, Evaluate("event.b in event.a", json));
        Assert.Equal(false, Evaluate("event.c in event.a", json));
    }

    [Theory]
    [InlineData("\"BAY\" in \"EBAY_GB\"", true)]
    [InlineData("\"bay\" in \"EBAY_GB\"", false)]
    [InlineData("\"\" in \"x\"", true)]
    [InlineData("\"_GB\" in event.data.marketplace", true)]
    [InlineData("event.data.items[0].sku in \"A-1,B-2\"", true)]
    public void Evaluate_InString_ChecksSubstring(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("\"id\" in event.data.customer", true)]
    [InlineData("\"name\" in event.data.customer", false)]
    public void Evaluate_InJsonObject_ChecksPropertyName(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }

    [Theory]
    [InlineData("1 in null")]
    [InlineData("\"x\" in event.data.nope")]
    public void Evaluate_InNullOrMissing_IsFalse(string text)
    {
        Assert.Equal(false, Evaluate(text));
    }

    [Theory]
    [InlineData("1 in \"123\"", "operator 'in' with a string on the right expects a string on the left but got number")]
    [InlineData("1 in event.data.customer", "operator 'in' with an object on the right expects a string on the left but got number")]
    [InlineData("1 in 123", "operator 'in' expects an array, an object or a string on the right but got number")]
    [InlineData("\"a\" in true", "operator 'in' expects an array, an object or a string on the right but got bool")]
    public void Evaluate_InWithWrongTypes_ThrowsEvaluationException(string text, string message)
    {
        ExpressionEvaluationException error = EvaluationFails(text);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 + 1 in [2]", true)]
    [InlineData("2 in [2] == true", true)]
    [InlineData("!(3 in [1, 2])", true)]
    [InlineData("1 in [1] && 2 in [3]", false)]
    public void Evaluate_InPrecedence_IsRelational(string text, bool expected)
    {
        Assert.Equal(expected, Evaluate(text));
    }
}

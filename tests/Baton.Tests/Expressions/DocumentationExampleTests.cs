using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

/// <summary>Pins the examples shown in docs/expressions.md.</summary>
public class DocumentationExampleTests
{
    private const string Sample = """
        {
          "name": "order/created",
          "data": {
            "marketplace": "EBAY_US", "test": false, "coupon": "vip-10",
            "items": [{ "price": 5 }], "tags": ["priority"], "amount": 1, "quantity": 1,
            "user": { "id": 42 }, "tenant": "acme", "region": "eu"
          }
        }
        """;

    [Theory]
    [InlineData("event.name == \"order/created\"")]
    [InlineData("event.data.marketplace in [\"EBAY_GB\", \"EBAY_US\"] && !event.data.test")]
    [InlineData("has(event.data.coupon) && startsWith(upper(event.data.coupon), \"VIP\")")]
    [InlineData("size(event.data.items) > 0 && event.data.items[0].price >= 5")]
    [InlineData("\"priority\" in event.data.tags || event.data.amount * event.data.quantity > 1000")]
    public void EvaluateCondition_DocumentedFilter_MatchesSampleEvent(string text)
    {
        Assert.True(Condition(text, Sample));
    }

    [Theory]
    [InlineData("event.data.user.id", "42")]
    [InlineData("event.data.tenant + \"/\" + event.data.region", "acme/eu")]
    public void EvaluateKey_DocumentedKey_GivesDocumentedValue(string text, string expected)
    {
        Assert.Equal(expected, Key(text, Sample));
    }

    [Fact]
    public void EvaluationError_DocumentedMessage_IsExact()
    {
        ExpressionEvaluationException error = EvaluationFails("event.data.price > 10", "{\"data\":{}}");

        Assert.Equal(
            "Expression 'event.data.price > 10' failed: operator '>' cannot compare missing with number; "
            + "ordering works on two numbers or two strings (at position 17)",
            error.Message);
    }
}

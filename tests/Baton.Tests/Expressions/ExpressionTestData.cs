using System.Text.Json;

namespace Baton.Tests.Expressions;

/// <summary>Helpers to build scopes from JSON text and evaluate expressions in one call.</summary>
internal static class ExpressionTestData
{
    /// <summary>A sample event used by many tests.</summary>
    public const string Order = """
        {
          "name": "order/created",
          "data": {
            "marketplace": "EBAY_GB",
            "price": 12.5,
            "quantity": 2,
            "prime": true,
            "coupon": null,
            "tags": ["new", "gift"],
            "items": [{ "sku": "A-1", "price": 10 }, { "sku": "B-2", "price": 2.5 }],
            "odd key": "odd",
            "customer": { "id": 42, "email": "Ann@Example.com" }
          }
        }
        """;

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static ExpressionScope Event(string json = Order) => new("event", Json(json));

    public static object? Evaluate(string expression, string eventJson = Order) =>
        BatonExpression.Parse(expression).Evaluate(Event(eventJson));

    public static bool Condition(string expression, string eventJson = Order) =>
        BatonExpression.Parse(expression).EvaluateCondition(Event(eventJson));

    public static string? Key(string expression, string eventJson = Order) =>
        BatonExpression.Parse(expression).EvaluateKey(Event(eventJson));

    public static ExpressionEvaluationException EvaluationFails(string expression, string eventJson = Order)
    {
        BatonExpression parsed = BatonExpression.Parse(expression);
        return Assert.Throws<ExpressionEvaluationException>(() => parsed.Evaluate(Event(eventJson)));
    }

    public static ExpressionException ParseFails(string expression) =>
        Assert.Throws<ExpressionException>(() => BatonExpression.Parse(expression));
}

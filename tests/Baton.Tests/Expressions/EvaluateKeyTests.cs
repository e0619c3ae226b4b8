using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class EvaluateKeyTests
{
    [Theory]
    [InlineData("event.data.marketplace", "EBAY_GB")]
    [InlineData("event.data.quantity", "2")]
    [InlineData("event.data.price", "12.5")]
    [InlineData("event.data.customer.id", "42")]
    [InlineData("event.data.prime", "true")]
    [InlineData("!event.data.prime", "false")]
    [InlineData("2.0", "2")]
    [InlineData("0.1 + 0.2", "0.30000000000000004")]
    [InlineData("-0", "0")]
    [InlineData("1e21", "1E+21")]
    [InlineData("event.data.quantity * 1.5", "3")]
    [InlineData("event.data.customer.id + \":\" + event.data.marketplace", "42:EBAY_GB")]
    public void EvaluateKey_ScalarResult_FormatsInvariantly(string text, string expected)
    {
        Assert.Equal(expected, Key(text));
    }

    [Theory]
    [InlineData("{\"n\": 2.0}", "2")]
    [InlineData("{\"n\": 2.50}", "2.5")]
    [InlineData("{\"n\": 1e2}", "100")]
    [InlineData("{\"n\": -7}", "-7")]
    [InlineData("{\"n\": 9007199254740993}", "9007199254740993")]
    [InlineData("{\"n\": -9223372036854775808}", "-9223372036854775808")]
    public void EvaluateKey_JsonNumber_UsesShortestFormKeepingExactIntegers(string json, string expected)
    {
        Assert.Equal(expected, Key("event.n", json));
    }

    [Theory]
    [InlineData("event.data.nope")]
    [InlineData("event.data.coupon")]
    [InlineData("null")]
    public void EvaluateKey_NullOrMissing_ReturnsNull(string text)
    {
        Assert.Null(Key(text));
    }

    [Fact]
    public void EvaluateKey_ObjectOrArray_ReturnsCompactJson()
    {
        const string json = """
            { "o": { "a" : 1,  "b" : [ true, null, "x" ] }, "s": "caf\u00e9 <b>" }
            """;

        Assert.Equal("{\"a\":1,\"b\":[true,null,\"x\"]}", Key("event.o", json));
        Assert.Equal("[true,null,\"x\"]", Key("event.o.b", json));
        Assert.Equal("caf\u00e9 <b>", Key("event.s", json));
    }

    [Fact]
    public void EvaluateKey_UnicodeInsideObject_IsNotEscaped()
    {
        Assert.Equal("{\"s\":\"caf\u00e9\"}", Key("event", "{\"s\": \"caf\u00e9\"}"));
    }
}

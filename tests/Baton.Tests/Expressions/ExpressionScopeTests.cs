using static Baton.Tests.Expressions.ExpressionTestData;

namespace Baton.Tests.Expressions;

public class ExpressionScopeTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Constructor_BlankName_ThrowsArgumentException(string? name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ExpressionScope(name!, Json("1")));
        Assert.ThrowsAny<ArgumentException>(() => new ExpressionScope("a", Json("1"), name!, Json("2")));
    }

    [Fact]
    public void Constructor_SameNameTwice_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new ExpressionScope("event", Json("1"), "event", Json("2")));
    }

    [Fact]
    public void Evaluate_SecondVariable_IsFoundByName()
    {
        var scope = new ExpressionScope("event", Json("1"), "async", Json("2"));

        Assert.Equal(1.0, BatonExpression.Parse("event").Evaluate(scope));
        Assert.Equal(2.0, BatonExpression.Parse("async").Evaluate(scope));
        Assert.Null(BatonExpression.Parse("Event").Evaluate(scope));
    }
}

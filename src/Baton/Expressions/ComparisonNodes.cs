namespace Baton.Expressions;

/// <summary>Ordering operators.</summary>
internal enum ComparisonOperator
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary><c>==</c> and <c>!=</c>: never fail; values of different types are simply not equal.</summary>
internal sealed class EqualityNode(int position, bool negate, Node left, Node right)
    : Node(position, DepthOf(left, right))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value l = left.Evaluate(context);
        Value r = right.Evaluate(context);
        return Value.FromBool(ValueOperations.AreEqual(l, r) != negate);
    }
}

/// <summary><c>&lt; &lt;= &gt; &gt;=</c> on two numbers or two strings (ordinal); anything else fails.</summary>
internal sealed class ComparisonNode(int position, ComparisonOperator op, Node left, Node right)
    : Node(position, DepthOf(left, right))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value l = left.Evaluate(context);
        Value r = right.Evaluate(context);
        int order;
        if (l.Kind == ValueKind.Number && r.Kind == ValueKind.Number)
        {
            double a = l.Number;
            double b = r.Number;
            order = a < b ? -1 : a > b ? 1 : 0;
        }
        else if (l.Kind == ValueKind.String && r.Kind == ValueKind.String)
        {
            order = string.CompareOrdinal(l.GetString(), r.GetString());
        }
        else
        {
            throw context.Error(
                Position,
                $"operator '{Symbol}' cannot compare {ValueOperations.TypeName(l)} with {ValueOperations.TypeName(r)}; "
                + "ordering works on two numbers or two strings");
        }

        return Value.FromBool(op switch
        {
            ComparisonOperator.Less => order < 0,
            ComparisonOperator.LessOrEqual => order <= 0,
            ComparisonOperator.Greater => order > 0,
            _ => order >= 0,
        });
    }

    private string Symbol => op switch
    {
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        _ => ">=",
    };
}

namespace Baton.Expressions;

/// <summary>
/// A chain <c>a &amp;&amp; b &amp;&amp; c</c>, evaluated left to right and stopping at the first false.
/// Null and missing operands count as false; other non-bool operands fail.
/// </summary>
internal sealed class AndNode(int position, Node first, Node[] rest) : Node(position, DepthOf(first, rest))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        if (!LogicalOperands.IsTrue(context, first, "&&"))
        {
            return Value.False;
        }

        foreach (Node operand in rest)
        {
            if (!LogicalOperands.IsTrue(context, operand, "&&"))
            {
                return Value.False;
            }
        }

        return Value.True;
    }
}

/// <summary>
/// A chain <c>a || b || c</c>, evaluated left to right and stopping at the first true.
/// Null and missing operands count as false; other non-bool operands fail.
/// </summary>
internal sealed class OrNode(int position, Node first, Node[] rest) : Node(position, DepthOf(first, rest))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        if (LogicalOperands.IsTrue(context, first, "||"))
        {
            return Value.True;
        }

        foreach (Node operand in rest)
        {
            if (LogicalOperands.IsTrue(context, operand, "||"))
            {
                return Value.True;
            }
        }

        return Value.False;
    }
}

/// <summary>Unary <c>!</c>: negates a bool; null and missing count as false, so <c>!null</c> is true.</summary>
internal sealed class NotNode(int position, Node operand) : Node(position, DepthOf(operand))
{
    public override Value Evaluate(in EvaluationContext context) =>
        Value.FromBool(!LogicalOperands.IsTrue(context, operand, "!"));
}

/// <summary>Truth of an operand of a logical operator.</summary>
internal static class LogicalOperands
{
    public static bool IsTrue(in EvaluationContext context, Node operand, string symbol)
    {
        Value value = operand.Evaluate(context);
        return value.Kind switch
        {
            ValueKind.Bool => value.Bool,
            ValueKind.Null or ValueKind.Missing => false,
            _ => throw context.Error(
                operand.Position,
                $"operator '{symbol}' expects a bool but got {ValueOperations.TypeName(value)}"),
        };
    }
}

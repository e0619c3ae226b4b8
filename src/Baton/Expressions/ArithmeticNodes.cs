namespace Baton.Expressions;

/// <summary>Arithmetic operators.</summary>
internal enum ArithmeticOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
}

/// <summary>
/// <c>+ - * / %</c> on numbers. <c>+</c> concatenates when either side is a string; the other side is
/// converted like a key, with null and missing as the empty string.
/// </summary>
internal sealed class ArithmeticNode(int position, ArithmeticOperator op, Node left, Node right)
    : Node(position, DepthOf(left, right))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value l = left.Evaluate(context);
        Value r = right.Evaluate(context);
        if (op == ArithmeticOperator.Add && (l.Kind == ValueKind.String || r.Kind == ValueKind.String))
        {
            return Value.FromString(string.Concat(ValueOperations.ToConcatString(l), ValueOperations.ToConcatString(r)));
        }

        if (l.Kind != ValueKind.Number || r.Kind != ValueKind.Number)
        {
            string expected = op == ArithmeticOperator.Add ? "two numbers, or a string on either side" : "two numbers";
            throw context.Error(
                Position,
                $"operator '{Symbol}' expects {expected} but got {ValueOperations.TypeName(l)} and {ValueOperations.TypeName(r)}");
        }

        double a = l.Number;
        double b = r.Number;
        switch (op)
        {
            case ArithmeticOperator.Add: return Value.FromNumber(a + b);
            case ArithmeticOperator.Subtract: return Value.FromNumber(a - b);
            case ArithmeticOperator.Multiply: return Value.FromNumber(a * b);
        }

        if (b == 0)
        {
            throw context.Error(Position, op == ArithmeticOperator.Divide ? "division by zero" : "remainder by zero");
        }

        return Value.FromNumber(op == ArithmeticOperator.Divide ? a / b : a % b);
    }

    private string Symbol => op switch
    {
        ArithmeticOperator.Add => "+",
        ArithmeticOperator.Subtract => "-",
        ArithmeticOperator.Multiply => "*",
        ArithmeticOperator.Divide => "/",
        _ => "%",
    };
}

/// <summary>Unary <c>-</c> on a number.</summary>
internal sealed class NegateNode(int position, Node operand) : Node(position, DepthOf(operand))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value value = operand.Evaluate(context);
        if (value.Kind != ValueKind.Number)
        {
            throw context.Error(Position, $"operator '-' expects a number but got {ValueOperations.TypeName(value)}");
        }

        return Value.FromNumber(-value.Number);
    }
}

using System.Text.Json;

namespace Baton.Expressions;

/// <summary>
/// <c>x in value</c>: element of a JSON array, property name of a JSON object, or substring of a string.
/// A null or missing right side contains nothing.
/// </summary>
internal sealed class InNode(int position, Node needle, Node haystack) : Node(position, DepthOf(needle, haystack))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value item = needle.Evaluate(context);
        Value container = haystack.Evaluate(context);
        switch (container.Kind)
        {
            case ValueKind.Null or ValueKind.Missing:
                return Value.False;
            case ValueKind.String:
                RequireString(context, item, "a string");
                return Value.FromBool(container.GetString().Contains(item.GetString(), StringComparison.Ordinal));
            case ValueKind.Json when container.Json.ValueKind == JsonValueKind.Array:
                foreach (JsonElement element in container.Json.EnumerateArray())
                {
                    if (ValueOperations.AreEqual(item, Value.FromJson(element)))
                    {
                        return Value.True;
                    }
                }

                return Value.False;
            case ValueKind.Json:
                RequireString(context, item, "an object");
                return Value.FromBool(container.Json.TryGetProperty(item.GetString(), out _));
            default:
                throw context.Error(
                    Position,
                    $"operator 'in' expects an array, an object or a string on the right but got {ValueOperations.TypeName(container)}");
        }
    }

    private void RequireString(in EvaluationContext context, in Value item, string container)
    {
        if (item.Kind != ValueKind.String)
        {
            throw context.Error(
                Position,
                $"operator 'in' with {container} on the right expects a string on the left but got {ValueOperations.TypeName(item)}");
        }
    }
}

/// <summary><c>x in [a, b, c]</c>: the list items are evaluated left to right, stopping at the first equal one.</summary>
internal sealed class InListNode(int position, Node needle, Node[] items) : Node(position, DepthOf(needle, items))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value item = needle.Evaluate(context);
        foreach (Node candidate in items)
        {
            if (ValueOperations.AreEqual(item, candidate.Evaluate(context)))
            {
                return Value.True;
            }
        }

        return Value.False;
    }
}

using System.Text;
using System.Text.Json;

namespace Baton.Expressions;

/// <summary>One step of a path: <c>.field</c> or <c>["field"]</c>, <c>[0]</c>, or a computed <c>[expression]</c>.</summary>
internal readonly struct PathSegment
{
    private PathSegment(byte[]? utf8Name, int index, Node? key)
    {
        Utf8Name = utf8Name;
        Index = index;
        Key = key;
    }

    /// <summary>The UTF-8 property name of a field step (pre-encoded once for allocation-free lookups).</summary>
    public byte[]? Utf8Name { get; }

    /// <summary>The array index of a constant index step.</summary>
    public int Index { get; }

    /// <summary>The expression of a computed step.</summary>
    public Node? Key { get; }

    public static PathSegment Field(string name) => new(Encoding.UTF8.GetBytes(name), -1, null);

    public static PathSegment ArrayIndex(int index) => new(null, index, null);

    public static PathSegment Computed(Node key) => new(null, -1, key);
}

/// <summary>
/// A path such as <c>event.data.items[0].price</c>. A missing variable, field or index, or a step into a
/// value of the wrong type, yields missing rather than an error.
/// </summary>
internal sealed class PathNode : Node
{
    private readonly string _root;
    private readonly PathSegment[] _segments;

    public PathNode(int position, string root, PathSegment[] segments)
        : base(position, ComputeDepth(segments))
    {
        _root = root;
        _segments = segments;
    }

    public override Value Evaluate(in EvaluationContext context) =>
        TryResolve(context, out JsonElement element) ? Value.FromJson(element) : Value.Missing;

    /// <summary>Walks the path; false when any step does not exist. A JSON null at the end exists.</summary>
    public bool TryResolve(in EvaluationContext context, out JsonElement element)
    {
        if (!context.TryGetVariable(_root, out element))
        {
            return false;
        }

        foreach (ref readonly PathSegment segment in _segments.AsSpan())
        {
            JsonElement next;
            if (segment.Key is not null)
            {
                if (!TryStepComputed(context, segment.Key, element, out next))
                {
                    return false;
                }
            }
            else if (segment.Utf8Name is not null)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment.Utf8Name, out next))
                {
                    return false;
                }
            }
            else if (!TryStepIndex(element, segment.Index, out next))
            {
                return false;
            }

            element = next;
        }

        return true;
    }

    private static bool TryStepIndex(JsonElement element, int index, out JsonElement next)
    {
        if (element.ValueKind != JsonValueKind.Array || index < 0 || index >= element.GetArrayLength())
        {
            next = default;
            return false;
        }

        next = element[index];
        return true;
    }

    private static bool TryStepComputed(in EvaluationContext context, Node keyNode, JsonElement element, out JsonElement next)
    {
        Value key = keyNode.Evaluate(context);
        switch (key.Kind)
        {
            case ValueKind.String:
                if (element.ValueKind == JsonValueKind.Object)
                {
                    return element.TryGetProperty(key.GetString(), out next);
                }

                break;
            case ValueKind.Number:
                double number = key.Number;
                if (number >= 0 && number <= int.MaxValue && number == Math.Floor(number))
                {
                    return TryStepIndex(element, (int)number, out next);
                }

                break;
            case ValueKind.Null or ValueKind.Missing:
                break;
            default:
                throw context.Error(keyNode.Position, $"an index must be a number or a string but was {ValueOperations.TypeName(key)}");
        }

        next = default;
        return false;
    }

    private static int ComputeDepth(PathSegment[] segments)
    {
        int depth = 1;
        foreach (PathSegment segment in segments)
        {
            if (segment.Key is not null)
            {
                depth = Math.Max(depth, segment.Key.Depth + 1);
            }
        }

        return depth;
    }
}

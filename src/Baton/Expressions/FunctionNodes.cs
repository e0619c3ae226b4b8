using System.Globalization;
using System.Text.Json;

namespace Baton.Expressions;

/// <summary><c>size(x)</c>: length of a string (UTF-16 code units) or array, or property count of an object.</summary>
internal sealed class SizeNode(int position, Node argument) : Node(position, DepthOf(argument))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value value = argument.Evaluate(context);
        return value.Kind switch
        {
            ValueKind.String => Value.FromNumber(value.GetString().Length),
            ValueKind.Json when value.Json.ValueKind == JsonValueKind.Array => Value.FromNumber(value.Json.GetArrayLength()),
            ValueKind.Json => Value.FromNumber(value.Json.GetPropertyCount()),
            _ => throw context.Error(Position, $"size() expects a string, an array or an object but got {ValueOperations.TypeName(value)}"),
        };
    }
}

/// <summary><c>has(path)</c>: true when the path exists, even if its value is JSON null.</summary>
internal sealed class HasNode(int position, PathNode path) : Node(position, DepthOf(path))
{
    public override Value Evaluate(in EvaluationContext context) => Value.FromBool(path.TryResolve(context, out _));
}

/// <summary><c>string(x)</c>: converts like a key; null and missing stay null.</summary>
internal sealed class ToStringNode(int position, Node argument) : Node(position, DepthOf(argument))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value value = argument.Evaluate(context);
        return value.Kind switch
        {
            ValueKind.String => value,
            ValueKind.Null or ValueKind.Missing => Value.Null,
            _ => Value.FromString(ValueOperations.ToKeyString(value)!),
        };
    }
}

/// <summary><c>int(x)</c>: truncates a number, or parses a numeric string (invariant culture) and truncates it.</summary>
internal sealed class ToIntNode(int position, Node argument) : Node(position, DepthOf(argument))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value value = argument.Evaluate(context);
        if (value.Kind == ValueKind.Number)
        {
            return Value.FromNumber(Math.Truncate(value.Number));
        }

        if (value.Kind != ValueKind.String)
        {
            throw context.Error(Position, $"int() expects a number or a numeric string but got {ValueOperations.TypeName(value)}");
        }

        string text = value.GetString();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
        {
            throw context.Error(Position, $"int() cannot convert the string '{text}' to a number");
        }

        return Value.FromNumber(Math.Truncate(number));
    }
}

/// <summary><c>lower(s)</c> and <c>upper(s)</c> (invariant culture).</summary>
internal sealed class ChangeCaseNode(int position, bool upper, Node argument) : Node(position, DepthOf(argument))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value value = argument.Evaluate(context);
        if (value.Kind != ValueKind.String)
        {
            throw context.Error(Position, $"{(upper ? "upper" : "lower")}() expects a string but got {ValueOperations.TypeName(value)}");
        }

        string text = value.GetString();
        return Value.FromString(upper ? text.ToUpperInvariant() : text.ToLowerInvariant());
    }
}

/// <summary>The ordinal string tests.</summary>
internal enum StringTest
{
    StartsWith,
    EndsWith,
    Contains,
}

/// <summary><c>startsWith(s, p)</c>, <c>endsWith(s, p)</c> and <c>contains(s, p)</c>, all ordinal.</summary>
internal sealed class StringTestNode(int position, StringTest test, Node subject, Node part)
    : Node(position, DepthOf(subject, part))
{
    public override Value Evaluate(in EvaluationContext context)
    {
        Value s = subject.Evaluate(context);
        Value p = part.Evaluate(context);
        if (s.Kind != ValueKind.String || p.Kind != ValueKind.String)
        {
            string name = test switch
            {
                StringTest.StartsWith => "startsWith",
                StringTest.EndsWith => "endsWith",
                _ => "contains",
            };
            throw context.Error(
                Position,
                $"{name}() expects two strings but got {ValueOperations.TypeName(s)} and {ValueOperations.TypeName(p)}");
        }

        string text = s.GetString();
        string value = p.GetString();
        return Value.FromBool(test switch
        {
            StringTest.StartsWith => text.StartsWith(value, StringComparison.Ordinal),
            StringTest.EndsWith => text.EndsWith(value, StringComparison.Ordinal),
            _ => text.Contains(value, StringComparison.Ordinal),
        });
    }
}

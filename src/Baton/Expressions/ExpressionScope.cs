using System.Text.Json;

namespace Baton;

/// <summary>
/// The variables an expression is evaluated against, e.g. <c>event</c> (and <c>async</c> for event matching).
/// A variable that is not in the scope evaluates as missing (null). The scope does not copy the JSON: the
/// documents behind the values must stay alive (not disposed) while expressions are evaluated.
/// </summary>
public readonly struct ExpressionScope
{
    private readonly string? _name1;
    private readonly JsonElement _value1;
    private readonly string? _name2;
    private readonly JsonElement _value2;

    /// <summary>Creates a scope with one variable, <paramref name="name"/> bound to <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public ExpressionScope(string name, JsonElement value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name1 = name;
        _value1 = value;
    }

    /// <summary>Creates a scope with two variables (e.g. <c>event</c> and <c>async</c>).</summary>
    /// <exception cref="ArgumentException">A name is null, empty or white space, or both names are the same.</exception>
    public ExpressionScope(string name1, JsonElement value1, string name2, JsonElement value2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name1);
        ArgumentException.ThrowIfNullOrWhiteSpace(name2);
        if (string.Equals(name1, name2, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The variable '{name1}' is given twice.", nameof(name2));
        }

        _name1 = name1;
        _value1 = value1;
        _name2 = name2;
        _value2 = value2;
    }

    /// <summary>Looks up a variable. An unknown name or an undefined element is not found.</summary>
    internal bool TryGetVariable(string name, out JsonElement value)
    {
        if (string.Equals(name, _name1, StringComparison.Ordinal))
        {
            value = _value1;
        }
        else if (string.Equals(name, _name2, StringComparison.Ordinal))
        {
            value = _value2;
        }
        else
        {
            value = default;
            return false;
        }

        return value.ValueKind != JsonValueKind.Undefined;
    }
}

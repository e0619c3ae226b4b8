using System.Globalization;
using System.Text.Json;

namespace Baton.Expressions;

/// <summary>The type of a runtime <see cref="Value"/>.</summary>
internal enum ValueKind : byte
{
    /// <summary>A path that does not exist or a variable that is not in scope. Behaves like null.</summary>
    Missing,
    Null,
    Bool,
    Number,
    String,

    /// <summary>A JSON object or array.</summary>
    Json,
}

/// <summary>
/// A runtime value. Strings and numbers read from JSON keep their <see cref="JsonElement"/> so that
/// comparisons with literals need no allocation (<see cref="JsonElement.ValueEquals(string)"/>) and
/// integer keys keep their exact digits.
/// </summary>
internal readonly struct Value
{
    public static readonly Value Missing = default;
    public static readonly Value Null = new(ValueKind.Null, false, 0, null, default);
    public static readonly Value True = new(ValueKind.Bool, true, 0, null, default);
    public static readonly Value False = new(ValueKind.Bool, false, 0, null, default);

    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private readonly string? _text;

    private Value(ValueKind kind, bool boolean, double number, string? text, JsonElement json)
    {
        Kind = kind;
        Bool = boolean;
        Number = number;
        _text = text;
        Json = json;
    }

    public ValueKind Kind { get; }

    /// <summary>The value of a <see cref="ValueKind.Bool"/>.</summary>
    public bool Bool { get; }

    /// <summary>The value of a <see cref="ValueKind.Number"/>.</summary>
    public double Number { get; }

    /// <summary>
    /// The JSON behind the value: the object or array of a <see cref="ValueKind.Json"/>, or the element a
    /// string or number was read from (<see cref="JsonValueKind.Undefined"/> for computed values).
    /// </summary>
    public JsonElement Json { get; }

    public bool IsNullOrMissing => Kind <= ValueKind.Null;

    public static Value FromBool(bool value) => value ? True : False;

    public static Value FromNumber(double value) => new(ValueKind.Number, false, value, null, default);

    public static Value FromString(string value) => new(ValueKind.String, false, 0, value, default);

    /// <summary>Wraps a JSON element without copying it; <see cref="JsonValueKind.Undefined"/> is missing.</summary>
    public static Value FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new Value(ValueKind.String, false, 0, null, element),
        JsonValueKind.Number => new Value(ValueKind.Number, false, ReadDouble(element), null, element),
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Null => Null,
        JsonValueKind.Object or JsonValueKind.Array => new Value(ValueKind.Json, false, 0, null, element),
        _ => Missing,
    };

    /// <summary>The text of a <see cref="ValueKind.String"/> (allocates for strings read from JSON).</summary>
    public string GetString() => _text ?? Json.GetString()!;

    /// <summary>The text of a literal or computed string, or null for a string read from JSON.</summary>
    public string? LiteralString => _text;

    /// <summary>Converts to the public result representation: null, bool, double, string or <see cref="JsonElement"/>.</summary>
    public object? ToObject() => Kind switch
    {
        ValueKind.Bool => Bool ? BoxedTrue : BoxedFalse,
        ValueKind.Number => Number,
        ValueKind.String => GetString(),
        ValueKind.Json => Json,
        _ => null,
    };

    private static double ReadDouble(JsonElement element) =>
        element.TryGetDouble(out double value)
            ? value
            : double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Baton.Expressions;

/// <summary>Equality, type names and string conversion shared by operators and functions.</summary>
internal static class ValueOperations
{
    private static readonly JsonWriterOptions CompactWriterOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Equality used by <c>==</c>, <c>!=</c> and <c>in</c>: null equals missing, numbers compare numerically,
    /// strings ordinally, objects and arrays structurally; values of different types are not equal.
    /// </summary>
    public static bool AreEqual(in Value left, in Value right)
    {
        if (left.IsNullOrMissing || right.IsNullOrMissing)
        {
            return left.IsNullOrMissing && right.IsNullOrMissing;
        }

        if (left.Kind != right.Kind)
        {
            return false;
        }

        return left.Kind switch
        {
            ValueKind.Bool => left.Bool == right.Bool,
            ValueKind.Number => left.Number == right.Number,
            ValueKind.String => StringsEqual(left, right),
            ValueKind.Json => JsonElement.DeepEquals(left.Json, right.Json),
            _ => false,
        };
    }

    private static bool StringsEqual(in Value left, in Value right)
    {
        string? l = left.LiteralString;
        string? r = right.LiteralString;
        if (l is not null)
        {
            return r is not null ? string.Equals(l, r, StringComparison.Ordinal) : right.Json.ValueEquals(l);
        }

        return r is not null ? left.Json.ValueEquals(r) : JsonElement.DeepEquals(left.Json, right.Json);
    }

    /// <summary>The name of the value's type for error messages.</summary>
    public static string TypeName(in Value value) => value.Kind switch
    {
        ValueKind.Missing => "missing",
        ValueKind.Null => "null",
        ValueKind.Bool => "bool",
        ValueKind.Number => "number",
        ValueKind.String => "string",
        _ => value.Json.ValueKind == JsonValueKind.Array ? "array" : "object",
    };

    /// <summary>
    /// The key form of a value: strings as is, numbers in invariant shortest round-trip form (integers read
    /// from JSON keep their exact digits), bools as <c>true</c>/<c>false</c>, objects and arrays as compact
    /// JSON, null and missing as null.
    /// </summary>
    public static string? ToKeyString(in Value value) => value.Kind switch
    {
        ValueKind.String => value.GetString(),
        ValueKind.Number => FormatNumber(value),
        ValueKind.Bool => value.Bool ? "true" : "false",
        ValueKind.Json => ToCompactJson(value.Json),
        _ => null,
    };

    /// <summary>The form used by string concatenation: like <see cref="ToKeyString"/>, with null as the empty string.</summary>
    public static string ToConcatString(in Value value) => ToKeyString(value) ?? string.Empty;

    private static string FormatNumber(in Value value)
    {
        if (value.Json.ValueKind == JsonValueKind.Number && value.Json.TryGetInt64(out long integer))
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }

        double number = value.Number;
        return number == 0 ? "0" : number.ToString(CultureInfo.InvariantCulture);
    }

    private static string ToCompactJson(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, CompactWriterOptions))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

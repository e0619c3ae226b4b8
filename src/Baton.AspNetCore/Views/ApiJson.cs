using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.AspNetCore.Views;

/// <summary>JSON settings of every API answer: camelCase, enums as strings, nulls written.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Stored JSON text as a value to embed (null stays null; text that is not JSON is embedded as a string).</summary>
    public static JsonElement? Raw(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }

    public static double? Milliseconds(DateTimeOffset? from, DateTimeOffset? to)
        => from is { } a && to is { } b ? (b - a).TotalMilliseconds : null;
}

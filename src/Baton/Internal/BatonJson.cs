using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Internal;

/// <summary>The one set of JSON settings Baton uses for events, step outputs and errors.</summary>
internal static class BatonJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,

        // Stored JSON is data, not HTML: keep '+', '<', non-ASCII text and the like as they are (any page that shows
        // it escapes it for its own context).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string? json)
    {
        if (json is null)
        {
            return default;
        }

        return JsonSerializer.Deserialize<T>(json, Options);
    }

    public static T? Deserialize<T>(JsonElement element) => element.Deserialize<T>(Options);

    public static JsonElement ToElement(object? value) => value switch
    {
        null => EmptyObject,
        JsonElement element => element,
        JsonDocument document => document.RootElement.Clone(),
        _ => JsonSerializer.SerializeToElement(value, value.GetType(), Options),
    };

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

using System.Globalization;
using System.Text.Json;

namespace Baton.AspNetCore.Endpoints;

/// <summary>Turns an ingest body (one event or an array, <c>{name, data, id?, ts?}</c>) into messages, or says what is wrong.</summary>
internal static class IngestParser
{
    /// <summary>An ingest body that cannot be accepted, with the status code to answer.</summary>
    public sealed class IngestRejection(int status, string message) : Exception(message)
    {
        public int Status { get; } = status;
    }

    public static IReadOnlyList<EventMessage> Parse(ReadOnlyMemory<byte> body, BatonApiOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new IngestRejection(StatusCodes.Status400BadRequest, "malformed JSON: " + e.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    return [ParseEvent(root, 0, options)];
                case JsonValueKind.Array:
                    var count = root.GetArrayLength();
                    if (count == 0)
                    {
                        throw new IngestRejection(StatusCodes.Status400BadRequest, "the batch is empty");
                    }

                    if (count > options.MaxBatchSize)
                    {
                        throw new IngestRejection(StatusCodes.Status413PayloadTooLarge, $"the batch holds {count} events; the limit is {options.MaxBatchSize}");
                    }

                    var messages = new EventMessage[count];
                    var i = 0;
                    foreach (var element in root.EnumerateArray())
                    {
                        messages[i] = ParseEvent(element, i, options);
                        i++;
                    }

                    return messages;
                default:
                    throw new IngestRejection(StatusCodes.Status400BadRequest, $"expected an event object or an array of events, got {Kind(root)}");
            }
        }
    }

    private static EventMessage ParseEvent(JsonElement element, int index, BatonApiOptions options)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Bad(index, $"expected an object, got {Kind(element)}");
        }

        var size = element.GetRawText().Length;
        if (size > options.MaxEventBytes)
        {
            throw new IngestRejection(StatusCodes.Status413PayloadTooLarge, $"event #{index} is {size} bytes; the limit is {options.MaxEventBytes}");
        }

        string? name = null;
        string? id = null;
        DateTimeOffset? ts = null;
        JsonElement? data = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name":
                    name = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw Bad(index, $"'name' must be a string, got {Kind(property.Value)}");
                    break;
                case "id":
                    id = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => throw Bad(index, $"'id' must be a string, got {Kind(property.Value)}"),
                    };
                    break;
                case "data":
                    data = property.Value.ValueKind switch
                    {
                        JsonValueKind.Object => property.Value.Clone(),
                        JsonValueKind.Null => null,
                        _ => throw Bad(index, $"'data' must be an object, got {Kind(property.Value)}"),
                    };
                    break;
                case "ts":
                    ts = ParseTimestamp(property.Value, index);
                    break;
                default:
                    // Inngest senders add fields such as "user" and "v"; they are ignored, not refused.
                    break;
            }
        }

        if (name is null)
        {
            throw Bad(index, "'name' is required");
        }

        return new EventMessage { Name = name, Id = id, Data = data, Timestamp = ts };
    }

    private static DateTimeOffset? ParseTimestamp(JsonElement value, int index)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when value.TryGetInt64(out var ms) && ms >= 0 && ms <= 253402300799999:
                return DateTimeOffset.FromUnixTimeMilliseconds(ms);
            case JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                return parsed;
            default:
                throw Bad(index, "'ts' must be milliseconds since the Unix epoch or an ISO 8601 time");
        }
    }

    private static IngestRejection Bad(int index, string problem) => new(StatusCodes.Status400BadRequest, $"event #{index}: {problem}");

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}

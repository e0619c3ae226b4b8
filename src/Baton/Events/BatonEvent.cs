using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Internal;

namespace Baton;

/// <summary>An event as Baton stored it: <c>{id, name, data, ts}</c>.</summary>
/// <param name="Id">Unique id; an id seen in the last 24 hours is not processed twice.</param>
/// <param name="Name">Event name, e.g. <c>marketplace/capture.requested</c>.</param>
/// <param name="Data">The JSON payload (an object unless the sender chose otherwise).</param>
/// <param name="Timestamp">When the event happened (given by the sender, or when it was received).</param>
public sealed record BatonEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("ts")] DateTimeOffset Timestamp)
{
    /// <summary>Deserializes <see cref="Data"/> into <typeparamref name="T"/> with Baton's JSON settings (camelCase, web defaults).</summary>
    public T? DataAs<T>() => BatonJson.Deserialize<T>(Data);
}

/// <summary>An event to send. Only <see cref="Name"/> is required.</summary>
public sealed class EventMessage
{
    /// <summary>Creates an event message.</summary>
    public EventMessage()
    {
    }

    /// <summary>Creates an event message with a name and data.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public EventMessage(string name, object? data = null)
    {
        Name = name;
        Data = data;
    }

    /// <summary>Event name: non-empty, at most 256 characters, no control characters.</summary>
    public required string Name { get; init; }

    /// <summary>Payload, serialized to JSON with web defaults. Default is an empty object.</summary>
    public object? Data { get; init; }

    /// <summary>Optional id for deduplication (at most 256 characters). Default is a new sortable id.</summary>
    public string? Id { get; init; }

    /// <summary>When the event happened. Default is the time Baton receives it.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

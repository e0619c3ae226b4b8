using System.Text.Json;

namespace Baton.AspNetCore.Views;

/// <summary>A stored event and what it did.</summary>
/// <param name="Id">Event id.</param>
/// <param name="Name">Event name.</param>
/// <param name="Data">Payload.</param>
/// <param name="Ts">When it happened.</param>
/// <param name="ReceivedAt">When Baton stored it.</param>
/// <param name="RunIds">Runs it started.</param>
/// <param name="Skips">Functions that did not run for it, and why.</param>
public sealed record EventView(string Id, string Name, JsonElement Data, DateTimeOffset Ts, DateTimeOffset ReceivedAt, IReadOnlyList<string> RunIds, IReadOnlyList<EventSkip> Skips)
{
    internal static EventView From(EventInfo e) => new(e.Event.Id, e.Event.Name, e.Event.Data, e.Event.Timestamp, e.ReceivedAt, e.RunIds, e.Skips);
}

/// <summary>Answer of <c>POST /e/{eventKey}</c> (the Inngest shape).</summary>
/// <param name="Ids">Event ids in the order sent (a duplicate id is returned but not processed again).</param>
/// <param name="Status">200.</param>
public sealed record IngestResponse(IReadOnlyList<string> Ids, int Status);

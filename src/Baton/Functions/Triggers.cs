namespace Baton;

/// <summary>What starts a function: an event or a schedule.</summary>
public abstract record FunctionTrigger;

/// <summary>
/// Starts a run for each event named <paramref name="Event"/> (exact, or a <c>prefix/*</c> wildcard)
/// for which the optional filter expression <paramref name="If"/> is true (see docs/expressions.md).
/// </summary>
public sealed record EventTrigger(string Event, string? If = null) : FunctionTrigger;

/// <summary>
/// Starts a run on each tick of a cron schedule (5 fields, or 6 with seconds) in a time zone
/// (IANA id such as <c>Europe/London</c>; default UTC). A tick fires once across all nodes; ticks missed while
/// the worker was paused fire once, as the latest due tick.
/// </summary>
public sealed record CronTrigger(string Schedule, string? TimeZone = null) : FunctionTrigger;

/// <summary>
/// Cancels a run when an event named <paramref name="Event"/> arrives that matches it: either the
/// field path <paramref name="Match"/> (e.g. <c>data.orderId</c>) is equal on the trigger and the
/// new event, or the expression <paramref name="If"/> over <c>event</c> (trigger) and <c>async</c>
/// (new event) is true. <paramref name="Window"/> limits how long after the run's creation it applies.
/// </summary>
public sealed record CancelOn(string Event, string? Match = null, string? If = null, TimeSpan? Window = null);

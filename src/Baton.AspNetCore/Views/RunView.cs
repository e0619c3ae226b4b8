using System.Text.Json;

namespace Baton.AspNetCore.Views;

/// <summary>A run in API answers and the live stream.</summary>
public sealed record RunView
{
    /// <summary>Run id (sortable by creation time).</summary>
    public required string Id { get; init; }

    /// <summary>Its function.</summary>
    public required string FunctionId { get; init; }

    /// <summary>Queued, Running, Sleeping, Waiting, Completed, Failed or Cancelled.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>Triggering event id (null for invoked runs).</summary>
    public string? EventId { get; init; }

    /// <summary>Name of the trigger event.</summary>
    public string? EventName { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>First start.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>End.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Next due time (wake time, or lease expiry while running).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Milliseconds from start to end, when both are known.</summary>
    public double? DurationMs { get; init; }

    /// <summary>The result (JSON) when completed.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>The error when failed.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>Why it was cancelled.</summary>
    public string? CancelReason { get; init; }

    /// <summary>Latest progress.</summary>
    public RunProgress? Progress { get; init; }

    /// <summary>Failures of code outside steps.</summary>
    public int Attempt { get; init; }

    /// <summary>Recorded steps.</summary>
    public int StepCount { get; init; }

    /// <summary>The run that invoked this one.</summary>
    public string? ParentRunId { get; init; }

    internal static RunView From(RunInfo run) => new()
    {
        Id = run.Id,
        FunctionId = run.FunctionId,
        Status = run.Status,
        EventId = run.EventId,
        EventName = run.Events.Count > 0 ? run.Events[0].Name : null,
        CreatedAt = run.CreatedAt,
        StartedAt = run.StartedAt,
        FinishedAt = run.FinishedAt,
        DueAt = run.DueAt,
        DurationMs = ApiJson.Milliseconds(run.StartedAt, run.FinishedAt),
        Output = ApiJson.Raw(run.Output),
        Error = run.Error,
        CancelReason = run.CancelReason,
        Progress = run.Progress,
        Attempt = run.Attempt,
        StepCount = run.StepCount,
        ParentRunId = run.ParentRunId,
    };
}

/// <summary>One run with its trigger events and steps.</summary>
/// <param name="Run">The run.</param>
/// <param name="Events">Its trigger event(s).</param>
/// <param name="Steps">Its steps in order.</param>
public sealed record RunDetailView(RunView Run, IReadOnlyList<BatonEvent> Events, IReadOnlyList<StepView> Steps);

/// <summary>A step of a run.</summary>
public sealed record StepView
{
    /// <summary>Step id (name, plus <c>#n</c> for its n-th occurrence).</summary>
    public required string Id { get; init; }

    /// <summary>Name given in code.</summary>
    public required string Name { get; init; }

    /// <summary>Order of first request.</summary>
    public required int Position { get; init; }

    /// <summary>Run, Sleep, WaitForEvent, Invoke or SendEvent.</summary>
    public required StepKind Kind { get; init; }

    /// <summary>Completed, Failed, Retrying or Waiting.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; }

    /// <summary>Start of the latest attempt or wait.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When its result was recorded.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Milliseconds of the latest attempt, when finished.</summary>
    public double? DurationMs { get; init; }

    /// <summary>Next attempt, wake-up or wait timeout.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>The memoized result (JSON).</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Latest error.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>Kind-specific detail (JSON).</summary>
    public JsonElement? Detail { get; init; }

    /// <summary>Earlier failed attempts, each with its timing and error.</summary>
    public IReadOnlyList<StepAttempt> FailedAttempts { get; init; } = [];

    internal static StepView From(StepInfo step) => new()
    {
        Id = step.Id,
        Name = step.Name,
        Position = step.Position,
        Kind = step.Kind,
        Status = step.Status,
        Attempts = step.Attempts,
        StartedAt = step.StartedAt,
        FinishedAt = step.FinishedAt,
        DurationMs = ApiJson.Milliseconds(step.StartedAt, step.FinishedAt),
        WakeAt = step.WakeAt,
        Output = ApiJson.Raw(step.Output),
        Error = step.Error,
        Detail = ApiJson.Raw(step.Detail),
        FailedAttempts = step.FailedAttempts,
    };
}

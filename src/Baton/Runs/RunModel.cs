using System.Text.Json.Serialization;

namespace Baton;

/// <summary>Lifecycle state of a run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>Due to start or resume (possibly after a retry backoff).</summary>
    Queued = 0,

    /// <summary>Held by a worker under a lease.</summary>
    Running = 1,

    /// <summary>Sleeping until a time; holds no worker, lease or memory.</summary>
    Sleeping = 2,

    /// <summary>Waiting for an event or an invoked run; holds no worker, lease or memory.</summary>
    Waiting = 3,

    /// <summary>Finished with a result.</summary>
    Completed = 4,

    /// <summary>Finished with an error (a step out of attempts, a non-retriable error, a timeout).</summary>
    Failed = 5,

    /// <summary>Stopped by a cancel request or a cancel-on event.</summary>
    Cancelled = 6,
}

/// <summary>Kind of a step.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepKind>))]
public enum StepKind
{
    /// <summary><c>step.Run</c>: work whose result is memoized.</summary>
    Run = 0,

    /// <summary><c>step.Sleep</c> / <c>step.SleepUntil</c>.</summary>
    Sleep = 1,

    /// <summary><c>step.WaitForEvent</c>.</summary>
    WaitForEvent = 2,

    /// <summary><c>step.Invoke</c>.</summary>
    Invoke = 3,

    /// <summary><c>step.SendEvent</c>.</summary>
    SendEvent = 4,
}

/// <summary>State of a recorded step.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    /// <summary>Result recorded.</summary>
    Completed = 0,

    /// <summary>Out of attempts, or failed with a non-retriable error.</summary>
    Failed = 1,

    /// <summary>An attempt failed; the next one is scheduled.</summary>
    Retrying = 2,

    /// <summary>Sleeping, waiting for an event or for an invoked run.</summary>
    Waiting = 3,
}

/// <summary>An error as recorded on a step or a run.</summary>
/// <param name="Type">Exception type name (or a Baton error code such as <c>FinishTimeout</c>).</param>
/// <param name="Message">The message.</param>
/// <param name="StackTrace">Stack trace where one exists.</param>
public sealed record ErrorInfo(string Type, string Message, string? StackTrace = null)
{
    internal static ErrorInfo From(Exception exception) => exception switch
    {
        StepFailedException failed => failed.Error,
        _ => new ErrorInfo(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.StackTrace),
    };
}

/// <summary>Progress reported by a run: <c>done</c> of <c>total</c>, with a message.</summary>
public sealed record RunProgress(long Done, long? Total, string? Message, DateTimeOffset UpdatedAt);

/// <summary>A run as seen by the inspection API.</summary>
public sealed record RunInfo
{
    /// <summary>Run id (sortable by creation).</summary>
    public required string Id { get; init; }

    /// <summary>The function the run executes.</summary>
    public required string FunctionId { get; init; }

    /// <summary>Current state.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>Id of the event that triggered the run (null for invoked runs).</summary>
    public string? EventId { get; init; }

    /// <summary>The trigger event(s).</summary>
    public required IReadOnlyList<BatonEvent> Events { get; init; }

    /// <summary>When the run was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a worker first started it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it completed, failed or was cancelled.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When the run is next due (its wake time, or its lease expiry while running).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The result, as JSON, when completed.</summary>
    public string? Output { get; init; }

    /// <summary>The error, when failed.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>Why it was cancelled.</summary>
    public string? CancelReason { get; init; }

    /// <summary>Latest persisted progress.</summary>
    public RunProgress? Progress { get; init; }

    /// <summary>Failures of code outside steps so far.</summary>
    public int Attempt { get; init; }

    /// <summary>Number of recorded steps.</summary>
    public int StepCount { get; init; }

    /// <summary>The run that invoked this one, if any.</summary>
    public string? ParentRunId { get; init; }
}

/// <summary>One failed attempt of a step.</summary>
public sealed record StepAttempt(int Attempt, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, ErrorInfo Error);

/// <summary>A recorded step.</summary>
public sealed record StepInfo
{
    /// <summary>Step id: the name, plus <c>#n</c> for its n-th occurrence (n ≥ 2).</summary>
    public required string Id { get; init; }

    /// <summary>Name given in code.</summary>
    public required string Name { get; init; }

    /// <summary>Order in which the run's code first requested the step.</summary>
    public required int Position { get; init; }

    /// <summary>What kind of step.</summary>
    public required StepKind Kind { get; init; }

    /// <summary>Current state.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When the step (its latest attempt, or its wait) started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When its result was recorded.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When a sleeping or retrying step is due, or a wait times out.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>The memoized result as JSON.</summary>
    public string? Output { get; init; }

    /// <summary>The latest error.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>Step-specific details as JSON (awaited event and match, invoked run id, …).</summary>
    public string? Detail { get; init; }

    /// <summary>Earlier failed attempts.</summary>
    public IReadOnlyList<StepAttempt> FailedAttempts { get; init; } = [];
}

/// <summary>A stored event and what it did.</summary>
public sealed record EventInfo
{
    /// <summary>The event.</summary>
    public required BatonEvent Event { get; init; }

    /// <summary>When Baton received it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Runs it created.</summary>
    public IReadOnlyList<string> RunIds { get; init; } = [];

    /// <summary>Functions that skipped it, and why.</summary>
    public IReadOnlyList<EventSkip> Skips { get; init; } = [];
}

/// <summary>A function did not run for an event, and the reason (idempotency, filter error, …).</summary>
public sealed record EventSkip(string FunctionId, string Reason);

/// <summary>Filter and paging of <see cref="IBatonInspector.ListRunsAsync"/>.</summary>
public sealed record RunQuery
{
    /// <summary>Only runs of this function.</summary>
    public string? FunctionId { get; init; }

    /// <summary>
    /// Only runs whose flow-control key is exactly this value: the evaluated key of the function's first concurrency
    /// rule, or else of its throttle (the key its runs are queued and served fairly by, e.g. <c>EBAY_GB</c>). Runs of
    /// functions without claim-time flow control have no key.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>Only runs in these states.</summary>
    public IReadOnlyList<RunStatus>? Statuses { get; init; }

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only runs created before this time.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>
    /// Only runs whose trigger event (its name, id or JSON data) contains this text, ignoring ASCII case. A scan of the
    /// runs newest first until a page is filled: fast for common text, slower for text that few runs contain.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Page size, 1–1000. Default is 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Cursor from the previous page's <see cref="Page{T}.NextCursor"/>.</summary>
    public string? Cursor { get; init; }
}

/// <summary>Filter and paging of <see cref="IBatonInspector.ListEventsAsync"/>.</summary>
public sealed record EventQuery
{
    /// <summary>Only events with this name.</summary>
    public string? Name { get; init; }

    /// <summary>Only events received at or after this time.</summary>
    public DateTimeOffset? ReceivedFrom { get; init; }

    /// <summary>Only events received before this time.</summary>
    public DateTimeOffset? ReceivedTo { get; init; }

    /// <summary>Page size, 1–1000. Default is 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Cursor from the previous page.</summary>
    public string? Cursor { get; init; }
}

/// <summary>One page of results, newest first.</summary>
/// <param name="Items">The items.</param>
/// <param name="NextCursor">Cursor of the next page, or null at the end.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Details handed to a function's failure handler.</summary>
/// <param name="FunctionId">The function whose run failed.</param>
/// <param name="RunId">The failed run.</param>
/// <param name="Error">Its error.</param>
/// <param name="Event">The failed run's trigger event.</param>
public sealed record FunctionFailure(string FunctionId, string RunId, ErrorInfo Error, BatonEvent Event);

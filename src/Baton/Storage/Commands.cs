using System.Text.Json;

namespace Baton.Storage;

/// <summary>Outcome of a fenced command.</summary>
public enum FenceResult
{
    /// <summary>Applied.</summary>
    Applied,

    /// <summary>Not applied: the caller no longer holds the run's lease (expired, cancelled or finished elsewhere).</summary>
    LeaseLost,
}

/// <summary>Outcome of a cancel request.</summary>
public enum CancelResult
{
    /// <summary>The run is now cancelled.</summary>
    Cancelled,

    /// <summary>The run had already finished; nothing changed.</summary>
    AlreadyFinished,

    /// <summary>No such run.</summary>
    NotFound,
}

/// <summary>An event to store: id, name, JSON data and timestamp.</summary>
public sealed record EventRecord(string Id, string Name, string DataJson, DateTimeOffset Timestamp);

/// <summary>A run to create.</summary>
public sealed record NewRun
{
    /// <summary>Run id.</summary>
    public required string RunId { get; init; }

    /// <summary>Function id.</summary>
    public required string FunctionId { get; init; }

    /// <summary>Trigger event(s) as a JSON array of events.</summary>
    public required string TriggerJson { get; init; }

    /// <summary>The triggering event's id (null for invoked runs).</summary>
    public string? EventId { get; init; }

    /// <summary>When set, the run is created only if no other run of the function holds this key within its window.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Until when the idempotency key is held.</summary>
    public DateTimeOffset? IdempotencyUntil { get; init; }

    /// <summary>The run that invoked this one.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The parent's invoke step.</summary>
    public string? ParentStepId { get; init; }

    /// <summary>Cancel-on subscriptions to register with the run.</summary>
    public IReadOnlyList<NewWait> CancelWaits { get; init; } = [];

    /// <summary>Claim-time flow control of the run; null for a plain run.</summary>
    public RunFlow? Flow { get; init; }
}

/// <summary>
/// An event subscription: a wait step (<see cref="StepId"/> set) or a cancel-on (<see cref="StepId"/> null).
/// The core evaluates <see cref="Condition"/>; the provider only stores and returns it.
/// </summary>
public sealed record NewWait(string RunId, string? StepId, string EventName, string Condition, string TriggerJson, DateTimeOffset? ExpiresAt);

/// <summary>A stored subscription handed to the planner when a matching event name arrives.</summary>
public sealed record PendingWait(long WaitId, string RunId, string? StepId, string EventName, string Condition, string TriggerJson);

/// <summary>What the core decided for a batch of newly stored events.</summary>
public sealed class IngestPlan
{
    /// <summary>Runs to create.</summary>
    public List<NewRun> Runs { get; } = [];

    /// <summary>Waits satisfied by an event: the wait step completes with the event (JSON).</summary>
    public List<(PendingWait Wait, string EventJson)> ResolvedWaits { get; } = [];

    /// <summary>Runs cancelled by a cancel-on subscription, with the reason.</summary>
    public List<(PendingWait Wait, string Reason)> CancelledRuns { get; } = [];

    /// <summary>Events a function skipped, and why.</summary>
    public List<(string EventId, string FunctionId, string Reason)> Skips { get; } = [];

    private List<FlowRun>? _flowRuns;

    /// <summary>Runs under ingest-time flow control (rate limit, singleton, debounce, batching), in event order.</summary>
    public List<FlowRun> FlowRuns => _flowRuns ??= [];

    /// <summary>True when <see cref="FlowRuns"/> has items (checked without creating the list on the plain path).</summary>
    public bool HasFlowRuns => _flowRuns is { Count: > 0 };
}

/// <summary>The core's decision function, called by the provider inside the ingest transaction.</summary>
public interface IIngestPlanner
{
    /// <summary>
    /// True when the plan of these new events depends on which functions are paused: the provider then reads the paused
    /// functions inside the ingest transaction and calls the overload that takes them. Default is false (the pause table
    /// is not read).
    /// </summary>
    /// <param name="newEvents">The events that were new.</param>
    bool ReadsPauses(IReadOnlyList<EventRecord> newEvents) => false;

    /// <summary>Plans runs, resolved waits, cancellations and skips for events that were new.</summary>
    IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now);

    /// <summary>Plans as <see cref="Plan(IReadOnlyList{EventRecord}, IReadOnlyList{PendingWait}, DateTimeOffset)"/>, knowing the functions paused when the transaction read them (called when <see cref="ReadsPauses"/> is true).</summary>
    IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now, IReadOnlySet<string> pausedFunctions)
        => Plan(newEvents, waits, now);
}

/// <summary>Store events and act on them.</summary>
/// <param name="Events">Events in the order sent.</param>
/// <param name="Planner">Decides what the new events do.</param>
/// <param name="Now">Current time.</param>
/// <param name="DedupeWindow">An id received within this window is a duplicate.</param>
public sealed record IngestCommand(IReadOnlyList<EventRecord> Events, IIngestPlanner Planner, DateTimeOffset Now, TimeSpan DedupeWindow)
{
    /// <summary>A cron tick to record as its schedule's latest, whether or not its event is new (another node may have fired it first).</summary>
    public CronTick? CronTick { get; init; }
}

/// <summary>Result of an ingest.</summary>
/// <param name="NewEventIds">Ids that were stored now (duplicates are left out).</param>
/// <param name="RunsCreated">Runs created (event triggers, after idempotency).</param>
/// <param name="RunsWoken">Runs made due by resolved waits.</param>
/// <param name="RunsCancelled">Runs cancelled by cancel-on subscriptions.</param>
public sealed record IngestResult(IReadOnlyList<string> NewEventIds, IReadOnlyList<NewRun> RunsCreated, int RunsWoken, IReadOnlyList<CancelledRun> RunsCancelled)
{
    /// <summary>Nothing new.</summary>
    public static IngestResult Empty { get; } = new([], [], 0, []);
}

/// <summary>A run cancelled as a side effect of a command.</summary>
/// <param name="RunId">The run.</param>
/// <param name="FunctionId">Its function.</param>
public sealed record CancelledRun(string RunId, string FunctionId);

/// <summary>Lease due runs.</summary>
/// <param name="Owner">Worker id.</param>
/// <param name="Now">Current time.</param>
/// <param name="LeaseUntil">Lease expiry.</param>
/// <param name="Limit">Most runs to lease.</param>
public sealed record ClaimCommand(string Owner, DateTimeOffset Now, DateTimeOffset LeaseUntil, int Limit)
{
    /// <summary>Whether any registered function has claim-time flow control; when false the provider claims plain runs only.</summary>
    public bool FlowControl { get; init; }
}

/// <summary>A leased run.</summary>
public sealed record ClaimedRun
{
    /// <summary>Run id.</summary>
    public required string RunId { get; init; }

    /// <summary>Function id.</summary>
    public required string FunctionId { get; init; }

    /// <summary>Trigger events as a JSON array.</summary>
    public required string TriggerJson { get; init; }

    /// <summary>Fencing token of this lease.</summary>
    public required long Token { get; init; }

    /// <summary>Failures of code outside steps so far.</summary>
    public required int Attempt { get; init; }

    /// <summary>How many times the run has been claimed, this claim included (1: a fresh run, no steps to load).</summary>
    public required int Claims { get; init; }

    /// <summary>When the run was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it first started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Last persisted progress.</summary>
    public RunProgress? Progress { get; init; }

    /// <summary>When the run became due, before this claim (for the queue-lag metric); null when the provider does not tell.</summary>
    public DateTimeOffset? DueAt { get; init; }
}

/// <summary>Leased runs, and when the next run not leased now is due (for the dispatcher's timer).</summary>
public sealed record ClaimResult(IReadOnlyList<ClaimedRun> Runs, DateTimeOffset? NextDueAt);

/// <summary>Identifies a leased run for fenced writes.</summary>
/// <param name="RunId">Run id.</param>
/// <param name="Owner">Worker id holding the lease.</param>
/// <param name="Token">Fencing token of the lease.</param>
public readonly record struct LeaseRef(string RunId, string Owner, long Token);

/// <summary>A step's row as written.</summary>
public sealed record StepWrite
{
    /// <summary>Step id.</summary>
    public required string StepId { get; init; }

    /// <summary>Name given in code.</summary>
    public required string Name { get; init; }

    /// <summary>Request order.</summary>
    public required int Position { get; init; }

    /// <summary>Kind.</summary>
    public required StepKind Kind { get; init; }

    /// <summary>State.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>Attempts made.</summary>
    public required int Attempts { get; init; }

    /// <summary>Start of the latest attempt or wait.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the result was recorded.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Next attempt or wake time.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>Result JSON.</summary>
    public string? OutputJson { get; init; }

    /// <summary>Latest error.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>Kind-specific detail JSON.</summary>
    public string? DetailJson { get; init; }
}

/// <summary>Write a step (and what comes with it) for a leased run.</summary>
public sealed record CommitStepCommand
{
    /// <summary>The lease.</summary>
    public required LeaseRef Lease { get; init; }

    /// <summary>The step row (inserted or replaced; a completed step is never overwritten).</summary>
    public required StepWrite Step { get; init; }

    /// <summary>A failed attempt to append to the step's history.</summary>
    public StepAttempt? FailedAttempt { get; init; }

    /// <summary>Events sent by the step, ingested in the same transaction.</summary>
    public IngestCommand? Events { get; init; }

    /// <summary>A run to create (invoke).</summary>
    public NewRun? ChildRun { get; init; }

    /// <summary>A wait to register.</summary>
    public NewWait? Wait { get; init; }

    /// <summary>Remove the step's wait (resolved by timeout).</summary>
    public bool DeleteWait { get; init; }

    /// <summary>Log lines written by the run since its last command, stored when this command applies.</summary>
    public RunLogBatch? Logs { get; init; }

    /// <summary>Current time.</summary>
    public required DateTimeOffset Now { get; init; }
}

/// <summary>Park a leased run.</summary>
/// <param name="Lease">The lease (released by this command).</param>
/// <param name="Status">Queued (retry), Sleeping or Waiting.</param>
/// <param name="WakeAt">When it is due again (null: only an event or child run wakes it).</param>
/// <param name="Attempt">Failures of code outside steps.</param>
/// <param name="Error">Latest error of code outside steps.</param>
/// <param name="Progress">Progress to persist.</param>
/// <param name="Now">Current time.</param>
public sealed record SuspendRunCommand(LeaseRef Lease, RunStatus Status, DateTimeOffset? WakeAt, int Attempt, ErrorInfo? Error, RunProgress? Progress, DateTimeOffset Now)
{
    /// <summary>The run is flow-controlled: parking it frees a concurrency slot, so claimers (on every node) are woken.</summary>
    public bool FlowControlled { get; init; }

    /// <summary>Log lines written by the run since its last command, stored when this command applies.</summary>
    public RunLogBatch? Logs { get; init; }
}

/// <summary>Finish a leased run.</summary>
public sealed record FinishRunCommand
{
    /// <summary>The lease.</summary>
    public required LeaseRef Lease { get; init; }

    /// <summary>Completed, Failed or Cancelled.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>Result JSON.</summary>
    public string? OutputJson { get; init; }

    /// <summary>Error.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>Final progress.</summary>
    public RunProgress? Progress { get; init; }

    /// <summary>The failure handler's run to create.</summary>
    public NewRun? FailureRun { get; init; }

    /// <summary>The run is flow-controlled: finishing it frees a concurrency slot, so claimers on every node are woken.</summary>
    public bool FlowControlled { get; init; }

    /// <summary>Log lines written by the run since its last command, stored when this command applies.</summary>
    public RunLogBatch? Logs { get; init; }

    /// <summary>Current time.</summary>
    public required DateTimeOffset Now { get; init; }
}

/// <summary>
/// Extend the leases of the runs a worker is executing. Only those: a run the worker claimed but gave up
/// (an engine or storage error) must see its lease run out, so that it is claimed again.
/// </summary>
/// <param name="Leases">The leases to extend; one that is no longer held (claimed elsewhere, released, cancelled) is left alone.</param>
/// <param name="LeaseUntil">New expiry.</param>
public sealed record HeartbeatCommand(IReadOnlyList<LeaseRef> Leases, DateTimeOffset LeaseUntil);

/// <summary>Persist progress.</summary>
/// <param name="Lease">The lease.</param>
/// <param name="Progress">The progress.</param>
public sealed record ProgressCommand(LeaseRef Lease, RunProgress Progress);

/// <summary>Cancel a run.</summary>
/// <param name="RunId">Run id.</param>
/// <param name="Reason">Why.</param>
/// <param name="Now">Current time.</param>
public sealed record CancelCommand(string RunId, string Reason, DateTimeOffset Now);

/// <summary>Helpers for JSON columns shared by providers.</summary>
public static class StoreJson
{
    /// <summary>Serializes an error.</summary>
    public static string? Error(ErrorInfo? error) => error is null ? null : JsonSerializer.Serialize(error, Internal.BatonJson.Options);

    /// <summary>Deserializes an error.</summary>
    public static ErrorInfo? Error(string? json) => json is null ? null : JsonSerializer.Deserialize<ErrorInfo>(json, Internal.BatonJson.Options);

    /// <summary>Deserializes a trigger array.</summary>
    public static IReadOnlyList<BatonEvent> Events(string json) => JsonSerializer.Deserialize<BatonEvent[]>(json, Internal.BatonJson.Options) ?? [];
}

namespace Baton;

/// <summary>Sends events and controls runs from code.</summary>
public interface IBatonClient
{
    /// <summary>
    /// Stores one event durably, with the runs it starts, and returns its id. An id seen in the last 24 hours
    /// is not processed again (its id is still returned). Throws <see cref="InvalidEventException"/> for a bad event.
    /// </summary>
    Task<string> SendAsync(EventMessage message, CancellationToken cancellationToken = default);

    /// <summary>Stores events in one transaction (all or nothing) and returns their ids in order.</summary>
    Task<IReadOnlyList<string>> SendAsync(IEnumerable<EventMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a run that has not finished. A step in flight finishes, then the run stops; it is recorded as
    /// cancelled with <paramref name="reason"/>. Returns false when the run had already finished; throws
    /// <see cref="RunNotFoundException"/> for an unknown id.
    /// </summary>
    Task<bool> CancelRunAsync(string runId, string reason, CancellationToken cancellationToken = default);
}

/// <summary>Reads runs, steps and events (the HTTP API and dashboard are built on it).</summary>
public interface IBatonInspector
{
    /// <summary>Lists runs, newest first, filtered by function, flow-control key, status, creation time and text.</summary>
    Task<Page<RunInfo>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default);

    /// <summary>One run, or null.</summary>
    Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>A run's steps in order, with attempts, timings, outputs and errors.</summary>
    Task<IReadOnlyList<StepInfo>> GetStepsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A run's stored log lines (what its code wrote through <see cref="FunctionContext.Logger"/>, see
    /// <see cref="BatonOptions.RunLogs"/>) in order, after <see cref="RunLogQuery.After"/>; empty for an unknown run.
    /// </summary>
    Task<IReadOnlyList<RunLogLine>> GetRunLogsAsync(RunLogQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists events, newest first, with the runs each created and the skips it caused.</summary>
    Task<Page<EventInfo>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken = default);

    /// <summary>The pending runs of debounced and batching functions: per function and key, the run waiting for more events and when it is due.</summary>
    Task<IReadOnlyList<PendingFlowInfo>> ListPendingFlowAsync(string? functionId = null, CancellationToken cancellationToken = default);

    /// <summary>The worker holding the leader lease now (it fires cron ticks and prunes history), or null when none holds an unexpired lease.</summary>
    Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken = default);

    /// <summary>Every declared resource budget as it stands now: rate tokens available, quota used and remaining, window reset, paused-until.</summary>
    Task<IReadOnlyList<ResourceInfo>> GetResourcesAsync(CancellationToken cancellationToken = default);

    /// <summary>Per function and key with open flow-controlled runs: running and queued counts and throttle state, ordered by function and key.</summary>
    /// <param name="functionId">One function only; null for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<FlowKeyInfo>> GetFlowKeysAsync(string? functionId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs started, completed, failed and cancelled and queue lag per bucket of a time window, counted from the store
    /// (so every node and a restarted one answer the same). Every bucket of the window is returned, oldest first.
    /// Throws <see cref="ArgumentException"/> for a bad query.
    /// </summary>
    Task<IReadOnlyList<RunStatsBucket>> GetRunStatsAsync(RunStatsQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the store's change feed: committed run and step changes by any node, oldest first, after
    /// <paramref name="after"/> (null: from now on). Live views poll it when woken (see <see cref="ChangeFeed"/>).
    /// </summary>
    Task<Storage.ChangePage> ReadChangesAsync(Storage.ChangeCursor? after, int limit = 1000, CancellationToken cancellationToken = default);
}

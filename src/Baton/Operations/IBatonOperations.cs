namespace Baton;

/// <summary>
/// Operator actions beyond sending events and cancelling one run: describe functions, pause and resume them,
/// and replay runs. The HTTP API is built on it.
/// </summary>
public interface IBatonOperations
{
    /// <summary>Every registered function (failure handlers included), ordered by id, with its stored paused state.</summary>
    Task<IReadOnlyList<FunctionInfo>> ListFunctionsAsync(CancellationToken cancellationToken = default);

    /// <summary>One function with its stored paused state, or null when no function has this id.</summary>
    Task<FunctionInfo?> GetFunctionAsync(string functionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses a function: its events are still stored, but they start no runs (each is recorded as a skip with
    /// the reason <see cref="FunctionPauses.PausedReason"/>). Runs already created carry on. The pause is stored: it
    /// holds across restarts and on every node that shares the database. Returns false when it was already paused;
    /// throws <see cref="FunctionNotFoundException"/> for an unknown id.
    /// </summary>
    Task<bool> PauseFunctionAsync(string functionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes a paused function. With <paramref name="replaySkipped"/>, every event the function skipped while
    /// paused starts a run now (oldest first). Returns what happened; throws <see cref="FunctionNotFoundException"/>
    /// for an unknown id.
    /// </summary>
    Task<ResumeResult> ResumeFunctionAsync(string functionId, bool replaySkipped, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a new run of the same function with the same trigger event (stored as a new event whose id starts with
    /// <c>replay-</c>, so it shows in the event list with the run it created). Returns the new run's id. Throws
    /// <see cref="RunNotFoundException"/> for an unknown run, <see cref="FunctionNotFoundException"/> when its function
    /// is no longer registered, <see cref="FunctionPausedException"/> when the function is paused and <see cref="RunNotReplayableException"/> when the run has no trigger event.
    /// </summary>
    Task<string> ReplayRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replays a run once per <paramref name="replayKey"/>: as <see cref="ReplayRunAsync(string, CancellationToken)"/>,
    /// with the new event's id <c>replay-{replayKey}</c>, so a call repeated with the same key within the event dedupe
    /// window (24 hours) starts nothing and returns the run the first call started. Durable code that may run twice (a
    /// step retried after a crash) replays exactly once this way.
    /// </summary>
    Task<string> ReplayRunAsync(string runId, string replayKey, CancellationToken cancellationToken = default);
}

/// <summary>Outcome of <see cref="IBatonOperations.ResumeFunctionAsync"/>.</summary>
/// <param name="WasPaused">False when the function was not paused (nothing changed).</param>
/// <param name="ReplayedRunIds">Runs started for events skipped while paused.</param>
public sealed record ResumeResult(bool WasPaused, IReadOnlyList<string> ReplayedRunIds);

using Baton.Execution;
using Baton.Internal;
using Microsoft.Extensions.Logging;

namespace Baton;

/// <summary>
/// What a run's code sees: its trigger event(s), the step tools, progress, a logger and a cancellation token.
/// </summary>
/// <remarks>
/// <para>
/// Replay rules. A run's code is ordinary async C#. Each completed step is recorded; after a sleep, a wait,
/// a retry or a crash the code runs again from the top, and every recorded step returns its recorded result
/// at once instead of running again. So: do all side effects inside steps; keep the code between steps
/// deterministic (no reading the clock, random numbers or external state outside steps); and request the
/// same steps in the same order. A step is identified by its name plus its occurrence count (the second
/// <c>step.Run("page", …)</c> is <c>page#2</c>), never by timing, so parallel steps
/// (<c>Task.WhenAll</c>) are fine.
/// </para>
/// <para>
/// When a run must pause (a sleep, a wait, a retry backoff) the step's task simply never completes in this
/// process: the run is released and resumes later by replay. Code after such an <c>await</c>, including
/// <c>finally</c> blocks, runs on the replay that passes it.
/// </para>
/// </remarks>
public class FunctionContext
{
    private readonly RunExecution _execution;

    internal FunctionContext(RunExecution execution)
    {
        _execution = execution;
        Step = new StepTools(execution);
    }

    /// <summary>The run's id.</summary>
    public string RunId => _execution.Lease.RunId;

    /// <summary>The function's id.</summary>
    public string FunctionId => _execution.Function.Id;

    /// <summary>The (first) trigger event.</summary>
    public BatonEvent Event => _execution.Events[0];

    /// <summary>All trigger events (one unless the function batches events).</summary>
    public IReadOnlyList<BatonEvent> Events => _execution.Events;

    /// <summary>How many times code outside steps has failed before this execution (0 at first).</summary>
    public int Attempt => _execution.Claim.Attempt;

    /// <summary>Durable steps: Run, Sleep, WaitForEvent, Invoke, SendEvent.</summary>
    public StepTools Step { get; }

    /// <summary>Progress reporting, persisted in batches and always at the end.</summary>
    public IProgressReporter Progress => _execution.Progress;

    /// <summary>A logger scoped to this run.</summary>
    public ILogger Logger => _execution.FunctionLogger;

    /// <summary>Cancelled when the run must stop at once (its finish timeout passed or the worker is stopping hard).</summary>
    public CancellationToken CancellationToken => _execution.RunToken;

    /// <summary>Services of the run's dependency-injection scope.</summary>
    public IServiceProvider Services => _execution.Services;
}

/// <summary>A <see cref="FunctionContext"/> with the trigger event's data deserialized to <typeparamref name="TEvent"/>.</summary>
public sealed class FunctionContext<TEvent> : FunctionContext
{
    private readonly Lazy<TEvent> _data;

    internal FunctionContext(RunExecution execution)
        : base(execution)
    {
        _data = new Lazy<TEvent>(() => Event.DataAs<TEvent>()!, LazyThreadSafetyMode.None);
    }

    /// <summary>The trigger event's data.</summary>
    public TEvent Data => _data.Value;
}

/// <summary>Reports a run's progress: <c>done</c> of <c>total</c> with a message.</summary>
public interface IProgressReporter
{
    /// <summary>
    /// Records progress. It is persisted at most every N reports or T seconds (see <see cref="BatonOptions.Progress"/>),
    /// and always when the run finishes or pauses.
    /// </summary>
    void Report(long done, long? total = null, string? message = null);

    /// <summary>The latest reported progress, persisted or not.</summary>
    RunProgress? Current { get; }
}

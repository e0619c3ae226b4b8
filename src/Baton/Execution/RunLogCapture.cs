using Baton.Storage;
using Microsoft.Extensions.Logging;

namespace Baton.Execution;

/// <summary>
/// The logger a run's code gets (<see cref="FunctionContext.Logger"/>): every line goes to the host's logging as
/// before, and lines at or above <see cref="RunLogOptions.MinimumLevel"/> are kept until the run's next write takes
/// them (<see cref="Take"/>), so they are stored in the same transaction as the run's progress.
/// </summary>
/// <remarks>
/// Code outside steps runs again when a run resumes (replay); what it logs while replaying was stored the first
/// time, so it is forwarded but not stored again.
/// </remarks>
internal sealed class RunLogCapture(RunExecution execution, ILogger host, RunLogOptions options) : ILogger
{
    /// <summary>The step whose body is executing in this async flow, for the line's step id.</summary>
    private static readonly AsyncLocal<string?> CurrentStep = new();

    private readonly object _gate = new();
    private List<RunLogWrite>? _pending;
    private int _taken;
    private int _dropped;

    /// <summary>Marks the current async flow (a step's body) as step <paramref name="stepId"/>.</summary>
    public static void EnterStep(string stepId) => CurrentStep.Value = stepId;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
        => host.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => host.IsEnabled(logLevel) || Stores(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (host.IsEnabled(logLevel))
        {
            host.Log(logLevel, eventId, state, exception, formatter);
        }

        var step = CurrentStep.Value;
        if (!Stores(logLevel) || (step is null && execution.IsReplaying))
        {
            return;
        }

        var line = new RunLogWrite(
            execution.Engine.Time.GetUtcNow(), logLevel, step, Cut(formatter(state, exception) ?? ""), exception is null ? null : Cut(exception.ToString()));
        lock (_gate)
        {
            // The execution holds at most a run's worth of lines between writes; the store enforces the cap across executions.
            if (_taken + (_pending?.Count ?? 0) >= options.MaxLinesPerRun)
            {
                _dropped++;
                return;
            }

            (_pending ??= []).Add(line);
        }
    }

    /// <summary>The lines written since the last call, for the run's next write; null when there are none.</summary>
    public RunLogBatch? Take()
    {
        lock (_gate)
        {
            if (_pending is null && _dropped == 0)
            {
                return null;
            }

            var batch = new RunLogBatch((IReadOnlyList<RunLogWrite>?)_pending ?? [], _dropped, options.MaxLinesPerRun);
            _taken += _pending?.Count ?? 0;
            _pending = null;
            _dropped = 0;
            return batch;
        }
    }

    private bool Stores(LogLevel level) => level != LogLevel.None && level >= options.MinimumLevel;

    private string Cut(string text) => text.Length <= options.MaxLineLength ? text : string.Concat(text.AsSpan(0, options.MaxLineLength - 1), "…");
}

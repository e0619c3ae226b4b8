using Baton.Storage;

namespace Baton.Execution;

/// <summary>Keeps the latest progress and persists it every N reports or T time, whichever comes first.</summary>
internal sealed class ProgressReporter : IProgressReporter
{
    private readonly RunExecution _execution;
    private readonly object _gate = new();
    private RunProgress? _current;
    private int _sinceSave;
    private DateTimeOffset _lastSave = DateTimeOffset.MinValue;

    public ProgressReporter(RunExecution execution, RunProgress? initial)
    {
        _execution = execution;
        _current = initial;
    }

    public RunProgress? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Report(long done, long? total = null, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        if (total is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(t, nameof(total));
        }

        // While a resumed run replays its recorded steps, its reports restate the past: keep the persisted value.
        if (_execution.IsReplaying)
        {
            return;
        }

        var engine = _execution.Engine;
        var options = engine.Options.Progress;
        var now = engine.Time.GetUtcNow();
        RunProgress progress;
        lock (_gate)
        {
            progress = _current = new RunProgress(done, total, message, now);
            _sinceSave++;
            if (_sinceSave < options.EveryReports && now - _lastSave < options.Interval)
            {
                return;
            }

            _sinceSave = 0;
            _lastSave = now;
        }

        // Fire and forget: progress is advisory, and the final value is written with the run's outcome.
        _ = engine.Writer.SaveProgressAsync(new ProgressCommand(_execution.Lease, progress))
            .ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}

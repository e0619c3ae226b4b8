using Microsoft.Extensions.Logging;

namespace Baton.Storage;

/// <summary>A log line to store with a run (see <see cref="RunLogBatch"/>).</summary>
/// <param name="At">When it was written.</param>
/// <param name="Level">Its level.</param>
/// <param name="StepId">The step that wrote it, or null outside steps.</param>
/// <param name="Message">The formatted message, already cut to the configured length.</param>
/// <param name="Exception">The exception's text, or null.</param>
public sealed record RunLogWrite(DateTimeOffset At, LogLevel Level, string? StepId, string Message, string? Exception);

/// <summary>
/// Log lines that travel with a run's next fenced command (step commit, suspend or finish) and are written only if it
/// applies. The provider numbers them after the run's stored lines, keeps at most <see cref="MaxLines"/> per run, and
/// adds every line beyond that (and <see cref="Dropped"/>) to the count of the run's marker row.
/// </summary>
/// <param name="Lines">The lines, in the order written.</param>
/// <param name="Dropped">Lines the execution dropped before they reached the store (its own buffer was full).</param>
/// <param name="MaxLines">Most lines kept per run.</param>
public sealed record RunLogBatch(IReadOnlyList<RunLogWrite> Lines, int Dropped, int MaxLines);

/// <summary>Pause a function: from the commit on, every node's ingest records its events as skipped.</summary>
/// <param name="FunctionId">The function.</param>
/// <param name="Now">When it is paused.</param>
public sealed record PauseFunctionCommand(string FunctionId, DateTimeOffset Now);

/// <summary>Helpers shared by providers for stored run log lines.</summary>
public static class RunLogs
{
    /// <summary>A stored line as read; a marker row (<paramref name="dropped"/> above 0) gets its message here, so every provider words it the same.</summary>
    /// <param name="sequence">Position in the run's log.</param>
    /// <param name="at">When written.</param>
    /// <param name="level">Level.</param>
    /// <param name="stepId">Step, or null.</param>
    /// <param name="message">Stored message (empty for a marker).</param>
    /// <param name="exception">Exception text, or null.</param>
    /// <param name="dropped">Lines dropped (marker row only).</param>
    public static RunLogLine Line(int sequence, DateTimeOffset at, LogLevel level, string? stepId, string message, string? exception, int dropped) => new()
    {
        Sequence = sequence,
        At = at,
        Level = level,
        StepId = stepId,
        Message = dropped > 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{dropped} log line(s) dropped: at most {sequence - 1} lines are kept per run")
            : message,
        Exception = exception,
        Dropped = dropped,
    };
}

using Microsoft.Extensions.Logging;

namespace Baton;

/// <summary>
/// A line a run's code wrote through <see cref="FunctionContext.Logger"/>, as stored with the run. When the run wrote
/// more lines than <see cref="RunLogOptions.MaxLinesPerRun"/>, the last line is a marker whose <see cref="Dropped"/>
/// counts the lines that were not kept.
/// </summary>
public sealed record RunLogLine
{
    /// <summary>Position in the run's log, from 1, in the order the lines were committed.</summary>
    public required int Sequence { get; init; }

    /// <summary>When the line was written (for the marker: when the last dropped line was).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Its level.</summary>
    public required LogLevel Level { get; init; }

    /// <summary>The step whose code wrote it (its id, e.g. <c>fetch#2</c>), or null when written outside a step.</summary>
    public string? StepId { get; init; }

    /// <summary>The formatted message (cut to <see cref="RunLogOptions.MaxLineLength"/> characters).</summary>
    public required string Message { get; init; }

    /// <summary>The logged exception's text (type, message and stack trace), or null.</summary>
    public string? Exception { get; init; }

    /// <summary>For the marker line: how many lines were dropped beyond the cap; 0 for every other line.</summary>
    public int Dropped { get; init; }
}

/// <summary>Paging of <see cref="IBatonInspector.GetRunLogsAsync"/>: lines in order, after a sequence number.</summary>
public sealed record RunLogQuery
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>Only lines after this sequence number (the last one seen). Default is 0: from the first line.</summary>
    public int After { get; init; }

    /// <summary>Most lines returned, 1–1000. Default is 1000.</summary>
    public int Limit { get; init; } = 1000;
}

namespace Baton.AspNetCore.Views;

/// <summary>A stored log line of a run (see <see cref="RunLogLine"/>).</summary>
/// <param name="Sequence">Position in the run's log, from 1.</param>
/// <param name="At">When it was written.</param>
/// <param name="Level">Level name: Trace, Debug, Information, Warning, Error, Critical.</param>
/// <param name="StepId">The step that wrote it, or null outside steps.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The logged exception's text, or null.</param>
/// <param name="Dropped">On the last line of a run over the cap: how many lines were dropped; otherwise 0.</param>
public sealed record RunLogView(int Sequence, DateTimeOffset At, string Level, string? StepId, string Message, string? Exception, int Dropped)
{
    /// <summary>The view of a stored line.</summary>
    public static RunLogView From(RunLogLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new(line.Sequence, line.At, line.Level.ToString(), line.StepId, line.Message, line.Exception, line.Dropped);
    }
}

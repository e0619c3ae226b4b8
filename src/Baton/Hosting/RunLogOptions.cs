using Microsoft.Extensions.Logging;

namespace Baton;

/// <summary>
/// Which lines written through <see cref="FunctionContext.Logger"/> are stored with their run (they always go to the
/// host's logging as well), and how many. Lines travel with the run's next step commit, suspend or finish: storing
/// them costs no transaction of its own.
/// </summary>
public sealed class RunLogOptions
{
    /// <summary>Lowest level stored; <see cref="LogLevel.None"/> stores nothing. Default is <see cref="LogLevel.Information"/>.</summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Information;

    /// <summary>Most lines stored per run (1–100,000); beyond it one marker line counts the lines dropped. Default is 1,000.</summary>
    public int MaxLinesPerRun { get; set; } = 1000;

    /// <summary>Longest message stored, in characters (100–1,048,576); a longer message or exception text is cut and ends with "…". Default is 4,096.</summary>
    public int MaxLineLength { get; set; } = 4096;

    internal void Validate()
    {
        if (MaxLinesPerRun is < 1 or > 100_000)
        {
            throw new ArgumentException("RunLogs.MaxLinesPerRun must be between 1 and 100,000", nameof(MaxLinesPerRun));
        }

        if (MaxLineLength is < 100 or > 1_048_576)
        {
            throw new ArgumentException("RunLogs.MaxLineLength must be between 100 and 1,048,576", nameof(MaxLineLength));
        }

        if (!Enum.IsDefined(MinimumLevel))
        {
            throw new ArgumentException($"RunLogs.MinimumLevel is not a log level: {MinimumLevel}", nameof(MinimumLevel));
        }
    }
}

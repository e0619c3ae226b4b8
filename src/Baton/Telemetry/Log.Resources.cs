using Microsoft.Extensions.Logging;

namespace Baton.Telemetry;

/// <summary>Log messages of resource budgets (event ids 2400–2419).</summary>
internal static partial class Log
{
    [LoggerMessage(2400, LogLevel.Debug, "Step {StepId} of run {RunId} waits for resource {Resource} until {WakeAt:o}")]
    public static partial void ResourceWait(ILogger logger, string stepId, string runId, string resource, DateTimeOffset wakeAt);

    [LoggerMessage(2401, LogLevel.Warning, "Resource {Resource} is exhausted (reported by step {StepId} of run {RunId}); paused for everyone until {PausedUntil:o}")]
    public static partial void ResourcePaused(ILogger logger, string resource, string stepId, string runId, DateTimeOffset pausedUntil);
}

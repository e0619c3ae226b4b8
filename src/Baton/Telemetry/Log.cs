using Microsoft.Extensions.Logging;

namespace Baton.Telemetry;

/// <summary>All of Baton core's log messages. Event ids: 1xxx engine, 2xxx runs and steps, 3xxx storage.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Baton worker {WorkerId} started on {Provider} with {Functions} function(s)")]
    public static partial void WorkerStarted(ILogger logger, string workerId, string provider, int functions);

    [LoggerMessage(1001, LogLevel.Information, "Baton worker {WorkerId} stopping: {InFlight} run(s) in flight")]
    public static partial void WorkerStopping(ILogger logger, string workerId, int inFlight);

    [LoggerMessage(1002, LogLevel.Warning, "Baton worker {WorkerId}: {Count} run(s) did not finish within the grace period; their leases were released")]
    public static partial void GraceExpired(ILogger logger, string workerId, int count);

    [LoggerMessage(1003, LogLevel.Error, "Baton dispatcher loop failed; retrying")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(1004, LogLevel.Error, "Baton heartbeat failed")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(1005, LogLevel.Error, "Cron tick of {FunctionId} could not be stored; retrying")]
    public static partial void CronFailed(ILogger logger, string functionId, Exception exception);

    [LoggerMessage(1006, LogLevel.Information, "Baton worker {WorkerId} is now the leader (lease token {Token})")]
    public static partial void LeaderElected(ILogger logger, string workerId, long token);

    [LoggerMessage(1007, LogLevel.Information, "Baton worker {WorkerId} is no longer the leader: {Reason}")]
    public static partial void LeaderSteppedDown(ILogger logger, string workerId, string reason);

    [LoggerMessage(1008, LogLevel.Warning, "Baton leader election: the store could not be reached")]
    public static partial void LeaderLeaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(1009, LogLevel.Error, "Baton leader work failed")]
    public static partial void LeaderWorkFailed(ILogger logger, Exception exception);

    [LoggerMessage(1010, LogLevel.Information, "Retention pruned {Runs} run(s), {Events} event(s) and {Keys} idempotency key(s)")]
    public static partial void Pruned(ILogger logger, int runs, int events, int keys);

    [LoggerMessage(1011, LogLevel.Error, "Retention pass failed; retrying after the interval")]
    public static partial void PruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(1012, LogLevel.Warning, "Cron schedule {Schedule}: its last tick could not be read; resuming from the catch-up limit")]
    public static partial void CronAnchorFailed(ILogger logger, string schedule, Exception exception);

    [LoggerMessage(2001, LogLevel.Warning, "Run {RunId} of {FunctionId} failed: {ErrorType}: {ErrorMessage}")]
    public static partial void RunFailed(ILogger logger, string runId, string functionId, string errorType, string errorMessage);

    [LoggerMessage(2002, LogLevel.Information, "Step {StepId} of run {RunId} attempt {Attempt} failed, retrying at {RetryAt}: {ErrorMessage}")]
    public static partial void StepRetrying(ILogger logger, string stepId, string runId, int attempt, DateTimeOffset retryAt, string errorMessage);

    [LoggerMessage(2003, LogLevel.Warning, "Run {RunId}: lease lost; another worker or a cancel took over")]
    public static partial void LeaseLost(ILogger logger, string runId);

    [LoggerMessage(2004, LogLevel.Error, "Run {RunId}: engine error while finishing the execution")]
    public static partial void ExecutionError(ILogger logger, string runId, Exception exception);

    [LoggerMessage(2005, LogLevel.Warning, "Event {EventId}: function {FunctionId} skipped it: {Reason}")]
    public static partial void EventSkipped(ILogger logger, string eventId, string functionId, string reason);

    [LoggerMessage(3000, LogLevel.Error, "Baton store write failed")]
    public static partial void WriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(3001, LogLevel.Error, "Baton store rollback failed")]
    public static partial void RollbackFailed(ILogger logger, Exception exception);
}

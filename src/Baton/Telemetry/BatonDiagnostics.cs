using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Baton.Telemetry;

/// <summary>
/// Baton's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>Baton</c>.
/// Spans: one per run execution (<c>baton.run</c>) and one per executed step (<c>baton.step</c>).
/// </summary>
public static class BatonDiagnostics
{
    /// <summary>Name of the activity source and the meter.</summary>
    public const string Name = "Baton";

    /// <summary>Tag: function id.</summary>
    public const string FunctionTag = "baton.function";

    /// <summary>Tag: run id.</summary>
    public const string RunTag = "baton.run_id";

    /// <summary>Tag: step id.</summary>
    public const string StepTag = "baton.step";

    /// <summary>Tag: step kind.</summary>
    public const string StepKindTag = "baton.step.kind";

    /// <summary>Tag: attempt number.</summary>
    public const string AttemptTag = "baton.attempt";

    /// <summary>Tag: outcome (completed, failed, retrying, suspended, cancelled, lease_lost).</summary>
    public const string OutcomeTag = "baton.outcome";

    internal static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    private static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("baton.runs.started", "{run}", "Run executions started (first start of a run).");

    private static readonly Counter<long> RunsCompleted = Meter.CreateCounter<long>("baton.runs.completed", "{run}", "Runs completed.");

    private static readonly Counter<long> RunsFailed = Meter.CreateCounter<long>("baton.runs.failed", "{run}", "Runs failed.");

    private static readonly Counter<long> RunsCancelled = Meter.CreateCounter<long>("baton.runs.cancelled", "{run}", "Runs cancelled.");

    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("baton.step.duration", "ms", "Duration of step attempts.");

    private static readonly Histogram<double> QueueLag = Meter.CreateHistogram<double>("baton.queue.lag", "ms", "Time from a run being created to a worker first claiming it.");

    private static readonly UpDownCounter<long> StepsInFlight = Meter.CreateUpDownCounter<long>("baton.steps.in_flight", "{step}", "Steps executing now.");

    private static readonly Histogram<long> WriteBatchSize = Meter.CreateHistogram<long>("baton.write.batch_size", "{command}", "Commands per group-commit transaction.");

    internal static void RunStarted(string functionId)
    {
        if (RunsStarted.Enabled)
        {
            RunsStarted.Add(1, new KeyValuePair<string, object?>(FunctionTag, functionId));
        }
    }

    internal static void RunFinished(string functionId, RunStatus status)
    {
        var counter = status switch
        {
            RunStatus.Completed => RunsCompleted,
            RunStatus.Failed => RunsFailed,
            _ => RunsCancelled,
        };
        if (counter.Enabled)
        {
            counter.Add(1, new KeyValuePair<string, object?>(FunctionTag, functionId));
        }
    }

    internal static void StepFinished(string functionId, StepKind kind, TimeSpan duration)
    {
        if (StepDuration.Enabled)
        {
            StepDuration.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>(FunctionTag, functionId), new KeyValuePair<string, object?>(StepKindTag, kind.ToString()));
        }
    }

    internal static void StepInFlight(int delta)
    {
        if (StepsInFlight.Enabled)
        {
            StepsInFlight.Add(delta);
        }
    }

    internal static void RecordQueueLag(string functionId, TimeSpan lag)
    {
        if (QueueLag.Enabled)
        {
            QueueLag.Record(Math.Max(0, lag.TotalMilliseconds), new KeyValuePair<string, object?>(FunctionTag, functionId));
        }
    }

    internal static void RecordWriteBatch(int size)
    {
        if (WriteBatchSize.Enabled)
        {
            WriteBatchSize.Record(size);
        }
    }
}

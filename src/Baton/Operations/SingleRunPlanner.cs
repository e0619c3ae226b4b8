using Baton.Execution;
using Baton.Internal;
using Baton.Storage;

namespace Baton.Operations;

/// <summary>
/// Plans exactly one run of one function for each event it is handed, whatever the function's triggers say: used to
/// replay a run or an event a paused function skipped. Waits and cancel-ons of other runs are left alone.
/// </summary>
internal sealed class SingleRunPlanner(string functionId, IReadOnlyList<Functions.CompiledCancelOn> cancelOns) : IIngestPlanner
{
    public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
    {
        var plan = new IngestPlan();
        foreach (var record in newEvents)
        {
            var runId = Ulid.New(now);
            var triggerJson = EventRouter.TriggerJson(record);
            plan.Runs.Add(new NewRun
            {
                RunId = runId,
                FunctionId = functionId,
                TriggerJson = triggerJson,
                EventId = record.Id,
                CancelWaits = cancelOns.Select(c => new NewWait(runId, null, c.Event, c.Condition.Text, triggerJson, c.Window is { } w ? now + w : null)).ToArray(),
            });
        }

        return plan;
    }
}

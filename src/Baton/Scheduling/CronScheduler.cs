using Baton.Execution;
using Baton.Functions;
using Baton.Storage;
using Baton.Telemetry;

namespace Baton.Hosting;

/// <summary>
/// Fires one cron trigger. Each tick is an event whose id is derived from the function, trigger and tick
/// time, so when several nodes fire the same tick the store's event-id deduplication keeps exactly one run.
/// </summary>
internal sealed class CronScheduler
{
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromMinutes(1);
    private readonly BatonEngine _engine;
    private readonly FunctionDefinition _function;
    private readonly CompiledCronTrigger _trigger;

    public CronScheduler(BatonEngine engine, FunctionDefinition function, CompiledCronTrigger trigger)
    {
        _engine = engine;
        _function = function;
        _trigger = trigger;
    }

    /// <summary>The event that stands for one tick.</summary>
    public static EventRecord TickEvent(FunctionDefinition function, CompiledCronTrigger trigger, DateTimeOffset tick)
    {
        var data = Internal.BatonJson.Serialize(new { functionId = function.Id, schedule = trigger.Schedule, tick });
        return new EventRecord($"cron:{function.Id}:{trigger.Index}:{tick.ToUnixTimeMilliseconds()}", Internal.FunctionCompiler.CronEventName, data, tick);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = _engine.Time;
        var from = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            // Exclusive of 'from', so a tick fires once here even when the clock has not moved past it.
            if (_trigger.Cron.GetNextOccurrence(from, _trigger.Zone) is not { } tick)
            {
                return;
            }

            var now = time.GetUtcNow();
            if (tick < now - MaxCatchUp)
            {
                // Asleep for long (suspended process): skip the missed ticks rather than firing them all at once.
                from = now;
                continue;
            }

            if (tick > now)
            {
                await Task.Delay(tick - now, time, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var record = TickEvent(_function, _trigger, tick);
                var planner = new CronPlanner(_function, record);
                await _engine.Writer.IngestAsync(new IngestCommand([record], planner, tick, _engine.Options.EventDedupeWindow), _engine.PublishCreated).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.CronFailed(_engine.Logger, _function.Id, e);
            }

            from = tick;
        }
    }

    /// <summary>Routes a tick event to its one function only.</summary>
    private sealed class CronPlanner(FunctionDefinition function, EventRecord record) : IIngestPlanner
    {
        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
        {
            var plan = new IngestPlan();
            if (newEvents.Count == 1)
            {
                plan.Runs.Add(new NewRun
                {
                    RunId = Internal.Ulid.New(now),
                    FunctionId = function.Id,
                    TriggerJson = EventRouter.TriggerJson(record),
                    EventId = record.Id,
                });
            }

            return plan;
        }
    }
}

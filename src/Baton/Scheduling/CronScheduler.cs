using Baton.Execution;
using Baton.Functions;
using Baton.Storage;
using Baton.Telemetry;

namespace Baton.Hosting;

/// <summary>
/// Fires one cron trigger. Each tick is an event whose id is derived from the function, trigger and tick
/// time, so when several nodes fire the same tick the store's event-id deduplication keeps exactly one run.
/// </summary>
/// <remarks>
/// The next tick is computed from the last tick fired (at first, from when the worker started), never from
/// the clock: a clock that lands exactly on a tick, or moves past it before the loop looks, still fires it.
/// Ticks missed while the process was paused (or a test clock jumped) fire once, as the latest due tick.
/// </remarks>
internal sealed class CronScheduler
{
    private readonly BatonEngine _engine;
    private readonly FunctionDefinition _function;
    private readonly CompiledCronTrigger _trigger;
    private DateTimeOffset _last;

    /// <summary>Creates the scheduler; the first tick is the first one after <paramref name="from"/>.</summary>
    public CronScheduler(BatonEngine engine, FunctionDefinition function, CompiledCronTrigger trigger, DateTimeOffset from)
    {
        _engine = engine;
        _function = function;
        _trigger = trigger;
        _last = from;
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
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_trigger.Cron.GetNextOccurrence(_last, _trigger.Zone) is not { } tick)
            {
                return;
            }

            await Internal.ClockDelay.UntilAsync(time, tick, cancellationToken).ConfigureAwait(false);

            tick = _trigger.Cron.GetOccurrences(tick, time.GetUtcNow(), _trigger.Zone, fromInclusive: true, toInclusive: true).LastOrDefault(tick);
            try
            {
                var record = TickEvent(_function, _trigger, tick);
                var planner = new CronPlanner(_function, record);
                await _engine.Writer.IngestAsync(new IngestCommand([record], planner, tick, _engine.Options.EventDedupeWindow), _engine.PublishIngested).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.CronFailed(_engine.Logger, _function.Id, e);
            }

            _last = tick;
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

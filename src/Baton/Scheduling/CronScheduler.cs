using Baton.Execution;
using Baton.Functions;
using Baton.Storage;
using Baton.Telemetry;

namespace Baton.Hosting;

/// <summary>
/// Fires one cron trigger, on the leader only. Each tick is an event whose id is derived from the function, trigger
/// and tick time, so a tick fired twice (by a leader that has not noticed it was replaced, and by its successor)
/// creates one run: the store's event-id deduplication keeps exactly one.
/// </summary>
/// <remarks>
/// The next tick is computed from the last tick fired (at first, from the starting point), never from the clock: a
/// clock that lands exactly on a tick, or moves past it before the loop looks, still fires it. Ticks missed while
/// the process was paused or overloaded (or a test clock jumped) fire late, each once, back to the catch-up limit
/// (<see cref="BatonOptions.CronCatchUp"/>); older ones are skipped. See <see cref="StartingPoint"/> for where a new
/// leader resumes.
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

    /// <summary>The schedule's key in the store's record of fired ticks.</summary>
    public static string Schedule(FunctionDefinition function, CompiledCronTrigger trigger) => $"{function.Id}:{trigger.Index}";

    /// <summary>The event that stands for one tick.</summary>
    public static EventRecord TickEvent(FunctionDefinition function, CompiledCronTrigger trigger, DateTimeOffset tick)
    {
        var data = Internal.BatonJson.Serialize(new { functionId = function.Id, schedule = trigger.Schedule, tick });
        return new EventRecord($"cron:{function.Id}:{trigger.Index}:{tick.ToUnixTimeMilliseconds()}", Internal.FunctionCompiler.CronEventName, data, tick);
    }

    /// <summary>
    /// Where a leader's schedule resumes: after the last tick any node fired, so the tick in progress during a leader
    /// change (or one missed during a restart) still fires — but no further back than <paramref name="catchUp"/>
    /// before the term began, and never later than the term's start. With no tick recorded: from the term's start
    /// on the first term ever (nothing to catch up), from the catch-up limit otherwise (a previous leader may have
    /// died before its first tick was recorded).
    /// </summary>
    public static DateTimeOffset StartingPoint(LeaderTerm term, DateTimeOffset? lastTick, TimeSpan catchUp)
    {
        ArgumentNullException.ThrowIfNull(term);
        var floor = term.Since - catchUp;
        var from = lastTick ?? (term.IsFirstEver ? term.Since : floor);
        if (from > term.Since)
        {
            from = term.Since;
        }

        return from < floor ? floor : from;
    }

    /// <summary>Creates the scheduler of a trigger for a leader's term, resuming from the store's last recorded tick.</summary>
    public static async Task<CronScheduler> ForTermAsync(BatonEngine engine, FunctionDefinition function, CompiledCronTrigger trigger, LeaderTerm term)
    {
        var schedule = Schedule(function, trigger);
        DateTimeOffset? lastTick;
        try
        {
            lastTick = await engine.Store.GetLastCronTickAsync(schedule, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Resuming from the catch-up limit may fire a tick again; its event id makes that a no-op.
            Log.CronAnchorFailed(engine.Logger, schedule, e);
            lastTick = term.Since - engine.Options.EffectiveCronCatchUp;
        }

        return new CronScheduler(engine, function, trigger, StartingPoint(term, lastTick, engine.Options.EffectiveCronCatchUp));
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = _engine.Time;
        var schedule = Schedule(_function, _trigger);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_trigger.Cron.GetNextOccurrence(_last, _trigger.Zone) is not { } tick)
            {
                return;
            }

            await Internal.ClockDelay.UntilAsync(time, tick, cancellationToken).ConfigureAwait(false);

            // Late (a paused or overloaded process, a test clock that jumped): every tick due since, within the
            // catch-up limit, fires in order; older ones are skipped, and the latest due tick always fires.
            var now = time.GetUtcNow();
            var floor = now - _engine.Options.EffectiveCronCatchUp;
            var due = _trigger.Cron.GetOccurrences(tick, now, _trigger.Zone, fromInclusive: true, toInclusive: true).ToList();
            var fire = due.Where(t => t >= floor).DefaultIfEmpty(due.Count > 0 ? due[^1] : tick);
            try
            {
                foreach (var t in fire)
                {
                    var record = TickEvent(_function, _trigger, t);
                    var planner = new CronPlanner(_function, record);
                    var command = new IngestCommand([record], planner, t, _engine.Options.EventDedupeWindow) { CronTick = new CronTick(schedule, t) };
                    await _engine.Writer.IngestAsync(command, _engine.PublishIngested).ConfigureAwait(false);
                    _last = t;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not recorded (the database refused it even after the writer's retries): try again after the poll
                // interval rather than lose the tick (ticks falling due meanwhile fire then, within the catch-up
                // limit); a retry that finds the tick stored after all is a no-op.
                var retryAt = time.GetUtcNow() + _engine.Options.PollInterval;
                Log.CronFailed(_engine.Logger, _function.Id, e);
                await Internal.ClockDelay.UntilAsync(time, retryAt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Routes a tick event to its one function only.</summary>
    private sealed class CronPlanner(FunctionDefinition function, EventRecord record) : IIngestPlanner
    {
        public bool ReadsPauses(IReadOnlyList<EventRecord> newEvents) => true;

        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
            => Plan(newEvents, waits, now, new HashSet<string>());

        public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now, IReadOnlySet<string> pausedFunctions)
        {
            var plan = new IngestPlan();
            if (newEvents.Count == 1 && pausedFunctions.Contains(function.Id))
            {
                // A paused function's tick is recorded as a skip, like any event it would have run for.
                plan.Skips.Add((record.Id, function.Id, FunctionPauses.PausedReason));
            }
            else if (newEvents.Count == 1)
            {
                var run = new NewRun
                {
                    RunId = Internal.Ulid.New(now),
                    FunctionId = function.Id,
                    TriggerJson = EventRouter.TriggerJson(record),
                    EventId = record.Id,
                    Flow = function.Flow?.Plan(function.Id, EventRouter.TriggerJson(record)),
                };
                if (function.Ingest is { } rules)
                {
                    // A tick is an event: the function's ingest-time rules apply to it as to any other.
                    var json = EventRouter.EventJson(record);
                    Flow.FlowPlanner.Plan(plan, rules, run, json, () => Internal.BatonJson.Parse(json), now);
                }
                else
                {
                    plan.Runs.Add(run);
                }
            }

            return plan;
        }
    }
}

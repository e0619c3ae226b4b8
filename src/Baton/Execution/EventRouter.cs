using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Baton.Functions;
using Baton.Internal;
using Baton.Storage;

namespace Baton.Execution;

/// <summary>
/// Decides what new events do: which functions they start (trigger name, filter, idempotency key),
/// which waits they satisfy and which runs they cancel. Called by the provider inside the ingest
/// transaction; evaluation errors become recorded skips, never exceptions in the engine loop.
/// </summary>
internal sealed class EventRouter : IIngestPlanner
{
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    private static readonly IReadOnlySet<string> NonePaused = new HashSet<string>();
    private readonly FunctionRegistry _registry;
    private readonly ConcurrentDictionary<string, BatonExpression?> _conditions = new(StringComparer.Ordinal);

    public EventRouter(FunctionRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>Only events that trigger some function need the paused set; events that only resolve waits do not read it.</summary>
    public bool ReadsPauses(IReadOnlyList<EventRecord> newEvents)
    {
        foreach (var record in newEvents)
        {
            if (_registry.Match(record.Name).Any())
            {
                return true;
            }
        }

        return false;
    }

    public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now) => Plan(newEvents, waits, now, NonePaused);

    public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now, IReadOnlySet<string> pausedFunctions)
    {
        var plan = new IngestPlan();
        HashSet<long>? consumedWaits = null;
        var started = new List<string>();
        foreach (var record in newEvents)
        {
            var routed = new RoutedEvent(record);
            started.Clear();
            foreach (var (function, trigger) in _registry.Match(record.Name))
            {
                // A function with several matching triggers runs once per event.
                if (!started.Contains(function.Id) && PlanRun(plan, function, trigger, routed, now, pausedFunctions.Count > 0 && pausedFunctions.Contains(function.Id)))
                {
                    started.Add(function.Id);
                }
            }

            foreach (var wait in waits)
            {
                if (wait.EventName != record.Name || (consumedWaits?.Contains(wait.WaitId) ?? false) || !WaitMatches(wait, routed.Element))
                {
                    continue;
                }

                (consumedWaits ??= []).Add(wait.WaitId);
                if (wait.StepId is null)
                {
                    plan.CancelledRuns.Add((wait, $"cancelled by event '{record.Name}' ({record.Id})"));
                }
                else
                {
                    plan.ResolvedWaits.Add((wait, routed.Json));
                }
            }
        }

        return plan;
    }

    /// <summary>The JSON text of an event (<c>{id, name, data, ts}</c>) as stored in triggers and wait results.</summary>
    public static string EventJson(EventRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(record.DataJson.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", record.Id);
            writer.WriteString("name", record.Name);
            writer.WritePropertyName("data");
            writer.WriteRawValue(record.DataJson, skipInputValidation: true);
            writer.WriteString("ts", record.Timestamp);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string TriggerJson(EventRecord record) => "[" + EventJson(record) + "]";

    /// <returns>True when a run was planned (or, for a paused function, the skip that stands for it was recorded).</returns>
    private static bool PlanRun(IngestPlan plan, FunctionDefinition function, CompiledEventTrigger trigger, RoutedEvent routed, DateTimeOffset now, bool paused)
    {
        var record = routed.Record;
        try
        {
            if (trigger.Filter is { } filter && !filter.EvaluateCondition(new ExpressionScope("event", routed.Element)))
            {
                return false;
            }
        }
        catch (ExpressionEvaluationException e)
        {
            plan.Skips.Add((record.Id, function.Id, "filter failed: " + e.Message));
            return false;
        }

        if (paused)
        {
            // Recorded once per event that would have started a run, so that resume can replay exactly those.
            plan.Skips.Add((record.Id, function.Id, FunctionPauses.PausedReason));
            return true;
        }

        string? key = null;
        if (function.Idempotency is { } idempotency)
        {
            try
            {
                key = idempotency.EvaluateKey(new ExpressionScope("event", routed.Element));
            }
            catch (ExpressionEvaluationException e)
            {
                plan.Skips.Add((record.Id, function.Id, "idempotency key failed: " + e.Message));
                return false;
            }

            if (key is null)
            {
                plan.Skips.Add((record.Id, function.Id, $"idempotency key '{idempotency.Text}' is null for this event"));
                return false;
            }
        }

        var runId = Ulid.New(now);
        var triggerJson = "[" + routed.Json + "]";
        var run = new NewRun
        {
            RunId = runId,
            FunctionId = function.Id,
            TriggerJson = triggerJson,
            EventId = record.Id,
            IdempotencyKey = key,
            IdempotencyUntil = key is null ? null : now + IdempotencyWindow,
            CancelWaits = function.CancelOns.Count == 0
                ? []
                : function.CancelOns.Select(c => new NewWait(runId, null, c.Event, c.Condition.Text, triggerJson, c.Window is { } w ? now + w : null)).ToArray(),
            Flow = function.Flow?.Plan(function.Id, routed.Element),
        };
        if (function.Ingest is { } rules)
        {
            // Ingest-time flow control (src/Baton/Flow): the provider applies it against stored per-key state.
            Flow.FlowPlanner.Plan(plan, rules, run, routed.Json, () => routed.Element, now);
        }
        else
        {
            plan.Runs.Add(run);
        }

        return true;
    }

    private bool WaitMatches(PendingWait wait, JsonElement incoming)
    {
        var condition = _conditions.GetOrAdd(wait.Condition, static text =>
        {
            try
            {
                return BatonExpression.Parse(text);
            }
            catch (BatonException)
            {
                return null;
            }
            catch (ArgumentException)
            {
                return null;
            }
        });
        if (condition is null)
        {
            return false;
        }

        try
        {
            using var trigger = JsonDocument.Parse(wait.TriggerJson);
            var triggerEvent = trigger.RootElement.ValueKind == JsonValueKind.Array ? trigger.RootElement[0] : trigger.RootElement;
            return condition.EvaluateCondition(new ExpressionScope("event", triggerEvent, "async", incoming));
        }
        catch (ExpressionEvaluationException)
        {
            return false;
        }
    }

    /// <summary>An event being routed: its JSON text always, its parsed form only when an expression needs it.</summary>
    private sealed class RoutedEvent(EventRecord record)
    {
        private JsonElement? _element;
        private string? _json;

        public EventRecord Record => record;

        public string Json => _json ??= EventJson(record);

        public JsonElement Element => _element ??= BatonJson.Parse(Json);
    }
}

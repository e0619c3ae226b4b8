using System.Collections.Concurrent;
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
    private readonly FunctionRegistry _registry;
    private readonly ConcurrentDictionary<string, BatonExpression?> _conditions = new(StringComparer.Ordinal);

    public EventRouter(FunctionRegistry registry)
    {
        _registry = registry;
    }

    public IngestPlan Plan(IReadOnlyList<EventRecord> newEvents, IReadOnlyList<PendingWait> waits, DateTimeOffset now)
    {
        var plan = new IngestPlan();
        HashSet<long>? consumedWaits = null;
        foreach (var record in newEvents)
        {
            JsonElement? eventJson = null;
            JsonElement EventJson() => eventJson ??= ToEventElement(record);

            foreach (var (function, trigger) in _registry.Match(record.Name))
            {
                PlanRun(plan, function, trigger, record, EventJson(), now);
            }

            foreach (var wait in waits)
            {
                if (wait.EventName != record.Name || (consumedWaits?.Contains(wait.WaitId) ?? false))
                {
                    continue;
                }

                if (!WaitMatches(wait, EventJson()))
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
                    plan.ResolvedWaits.Add((wait, EventJson().GetRawText()));
                }
            }
        }

        return plan;
    }

    /// <summary>The JSON form of an event as stored in triggers and wait results.</summary>
    public static JsonElement ToEventElement(EventRecord record)
        => BatonJson.ToElement(new BatonEvent(record.Id, record.Name, BatonJson.Parse(record.DataJson), record.Timestamp));

    public static string TriggerJson(EventRecord record) => "[" + ToEventElement(record).GetRawText() + "]";

    private static void PlanRun(IngestPlan plan, FunctionDefinition function, CompiledEventTrigger trigger, EventRecord record, JsonElement eventJson, DateTimeOffset now)
    {
        var scope = new ExpressionScope("event", eventJson);
        try
        {
            if (trigger.Filter is { } filter && !filter.EvaluateCondition(scope))
            {
                return;
            }
        }
        catch (ExpressionEvaluationException e)
        {
            plan.Skips.Add((record.Id, function.Id, "filter failed: " + e.Message));
            return;
        }

        // A function with several matching triggers runs once per event.
        if (plan.Runs.Any(r => r.EventId == record.Id && r.FunctionId == function.Id))
        {
            return;
        }

        string? key = null;
        if (function.Idempotency is { } idempotency)
        {
            try
            {
                key = idempotency.EvaluateKey(scope);
            }
            catch (ExpressionEvaluationException e)
            {
                plan.Skips.Add((record.Id, function.Id, "idempotency key failed: " + e.Message));
                return;
            }

            if (key is null)
            {
                plan.Skips.Add((record.Id, function.Id, $"idempotency key '{idempotency.Text}' is null for this event"));
                return;
            }
        }

        var runId = Ulid.New(now);
        plan.Runs.Add(new NewRun
        {
            RunId = runId,
            FunctionId = function.Id,
            TriggerJson = "[" + eventJson.GetRawText() + "]",
            EventId = record.Id,
            IdempotencyKey = key,
            IdempotencyUntil = key is null ? null : now + IdempotencyWindow,
            CancelWaits = function.CancelOns
                .Select(c => new NewWait(runId, null, c.Event, c.Condition.Text, "[" + eventJson.GetRawText() + "]", c.Window is { } w ? now + w : null))
                .ToArray(),
        });
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
}

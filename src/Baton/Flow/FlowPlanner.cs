using System.Globalization;
using System.Text.Json;
using Baton.Storage;

namespace Baton.Flow;

/// <summary>
/// Turns a run an event would start into a <see cref="FlowRun"/> for a function with ingest-time rules: evaluates
/// the rules' keys and fixes the times and reasons. Pure: the provider applies the result against the stored
/// per-key state in the ingest transaction. A key that fails to evaluate, or is null, skips the event with the reason.
/// </summary>
internal static class FlowPlanner
{
    public static void Plan(IngestPlan plan, IngestRules rules, NewRun run, string eventJson, Func<JsonElement> element, DateTimeOffset now)
    {
        var eventId = run.EventId!;
        RateLimitGate? rate = null;
        if (rules.RateLimit is { } r)
        {
            if (!TryKey(plan, run, "rate limit", r.Key, element, out var key))
            {
                return;
            }

            rate = new RateLimitGate(key, r.Period / r.Limit, r.Period, $"rate limit: {r.Limit} per {Describe(r.Period)} reached{For(key)}");
        }

        SingletonGate? singleton = null;
        if (rules.Singleton is { } s)
        {
            if (!TryKey(plan, run, "singleton", s.Key, element, out var key))
            {
                return;
            }

            singleton = s.Mode == SingletonMode.Cancel
                ? new SingletonGate(key, CancelActive: true, $"singleton: replaced by run {run.RunId} of event '{eventId}'{For(key)}")
                : new SingletonGate(key, CancelActive: false, $"singleton: run {{run}} is still active{For(key)}");
        }

        GatherRule? gather = null;
        if (rules.Debounce is { } d)
        {
            if (!TryKey(plan, run, "debounce", d.Key, element, out var key))
            {
                return;
            }

            gather = new GatherRule(GatherKind.Debounce, key, now + d.Period, d.Timeout, 0, $"debounce: replaced by later event '{eventId}'{For(key)}");
        }
        else if (rules.Batch is { } b)
        {
            if (!TryKey(plan, run, "batch", b.Key, element, out var key))
            {
                return;
            }

            gather = new GatherRule(GatherKind.Batch, key, b.MaxSize == 1 ? now : now + b.Timeout, null, b.MaxSize, "");
        }

        plan.FlowRuns.Add(new FlowRun { Run = run, EventJson = eventJson, RateLimit = rate, Singleton = singleton, Gather = gather });
    }

    /// <summary>A period as people write it: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>1d</c>.</summary>
    public static string Describe(TimeSpan period)
    {
        if (period.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return period.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var text = "";
        if (period.Days > 0)
        {
            text += period.Days.ToString(CultureInfo.InvariantCulture) + "d";
        }

        if (period.Hours > 0)
        {
            text += period.Hours.ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (period.Minutes > 0)
        {
            text += period.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (period.Seconds > 0)
        {
            text += period.Seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        return text;
    }

    private static string For(string key) => key.Length == 0 ? "" : $" for key '{key}'";

    private static bool TryKey(IngestPlan plan, NewRun run, string rule, FlowKey flowKey, Func<JsonElement> element, out string key)
    {
        key = FlowKey.Whole;
        if (flowKey.Expression is not { } expression)
        {
            return true;
        }

        try
        {
            var value = expression.EvaluateKey(new ExpressionScope("event", element()));
            if (value is null)
            {
                plan.Skips.Add((run.EventId!, run.FunctionId, $"{rule} key '{expression.Text}' is null for this event"));
                return false;
            }

            key = value;
            return true;
        }
        catch (ExpressionEvaluationException e)
        {
            plan.Skips.Add((run.EventId!, run.FunctionId, $"{rule} key '{expression.Text}' failed: {e.Message}"));
            return false;
        }
    }
}

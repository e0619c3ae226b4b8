using System.Globalization;
using System.Text.Json;
using Baton.Storage;

namespace Baton.Flow;

/// <summary>A compiled concurrency constraint.</summary>
internal sealed record CompiledConcurrency(int Limit, BatonExpression? Key, ConcurrencyScope Scope);

/// <summary>A compiled throttle.</summary>
internal sealed record CompiledThrottle(int Limit, TimeSpan Period, int Burst, BatonExpression? Key);

/// <summary>A function's claim-time flow control, and how a new run's keys are computed from its trigger event.</summary>
internal sealed class CompiledFlow
{
    /// <summary>Priority range in seconds, either way.</summary>
    public const int MaxPrioritySeconds = 600;

    /// <summary>Separates the function from the key in queue and key names.</summary>
    public const char Separator = '\u001f';

    public required IReadOnlyList<CompiledConcurrency> Concurrency { get; init; }

    public CompiledThrottle? Throttle { get; init; }

    public BatonExpression? Priority { get; init; }

    public static CompiledFlow? Compile(FunctionBuilder builder)
    {
        if (builder.ConcurrencyRules.Count == 0 && builder.ThrottleRule is null && builder.PriorityExpression is null)
        {
            return null;
        }

        var id = builder.Id;
        var concurrency = builder.ConcurrencyRules
            .Select((r, i) => new CompiledConcurrency(r.Limit, r.Key is null ? null : Internal.FunctionCompiler.ParseExpression(id, $"concurrency[{i}].key", r.Key), r.Scope))
            .ToArray();
        CompiledThrottle? throttle = null;
        if (builder.ThrottleRule is { } t)
        {
            if (t.Period.TotalMilliseconds / t.Limit < 1)
            {
                throw new FunctionConfigurationException(id, "throttle", "period / limit must be at least 1 millisecond");
            }

            throttle = new CompiledThrottle(t.Limit, t.Period, t.Burst, t.Key is null ? null : Internal.FunctionCompiler.ParseExpression(id, "throttle.key", t.Key));
        }

        return new CompiledFlow
        {
            Concurrency = concurrency,
            Throttle = throttle,
            Priority = builder.PriorityExpression is null ? null : Internal.FunctionCompiler.ParseExpression(id, "priority", builder.PriorityExpression),
        };
    }

    /// <summary>The flow values of a new run of <paramref name="functionId"/> triggered by <paramref name="triggerEvent"/>. Never throws on bad data: a failed expression is recorded in <see cref="RunFlow.Error"/>.</summary>
    public RunFlow Plan(string functionId, JsonElement triggerEvent)
    {
        var scope = new ExpressionScope("event", triggerEvent);
        List<string>? errors = null;
        string? Key(BatonExpression? expression, string field)
        {
            if (expression is null)
            {
                return null;
            }

            try
            {
                return expression.EvaluateKey(scope);
            }
            catch (ExpressionEvaluationException e)
            {
                (errors ??= []).Add($"{field} '{expression.Text}': {e.Message}");
                return null;
            }
        }

        string? key1 = null, key2 = null, queueKey = null;
        for (var i = 0; i < Concurrency.Count; i++)
        {
            var rule = Concurrency[i];
            var value = Key(rule.Key, $"concurrency[{i}].key") ?? "";
            var qualified = rule.Scope == ConcurrencyScope.Shared
                ? "s" + Separator + value
                : "f" + Separator + functionId + Separator + value;
            queueKey ??= value;
            if (i == 0)
            {
                key1 = qualified;
            }
            else
            {
                key2 = qualified;
            }
        }

        string? throttleKey = null;
        if (Throttle is { } throttle)
        {
            var value = Key(throttle.Key, "throttle.key") ?? "";
            throttleKey = functionId + Separator + value;
            queueKey ??= value;
        }

        long priorityMs = 0;
        if (Priority is { } priority)
        {
            try
            {
                switch (priority.Evaluate(scope))
                {
                    case double seconds:
                        priorityMs = (long)(Math.Clamp(seconds, -MaxPrioritySeconds, MaxPrioritySeconds) * 1000);
                        break;
                    case null:
                        break;
                    case var other:
                        (errors ??= []).Add($"priority '{priority.Text}': a priority must be a number of seconds but this one evaluated to {Describe(other)}");
                        break;
                }
            }
            catch (ExpressionEvaluationException e)
            {
                (errors ??= []).Add($"priority '{priority.Text}': {e.Message}");
            }
        }

        return new RunFlow
        {
            Queue = functionId + Separator + (queueKey ?? ""),
            PriorityMs = priorityMs,
            Key1 = key1,
            Limit1 = Concurrency.Count > 0 ? Concurrency[0].Limit : 0,
            Key2 = key2,
            Limit2 = Concurrency.Count > 1 ? Concurrency[1].Limit : 0,
            ThrottleKey = throttleKey,
            ThrottleIntervalMs = Throttle is { } t ? Math.Max(1, (long)(t.Period.TotalMilliseconds / t.Limit)) : 0,
            ThrottleBurst = Throttle?.Burst ?? 0,
            Error = errors is null ? null : new ErrorInfo("FlowKeyError", "flow control expression failed; the run is queued under the empty key: " + string.Join("; ", errors)),
        };
    }

    /// <summary>The flow values of a run whose trigger events are <paramref name="triggerJson"/> (a JSON array; the first event is used).</summary>
    public RunFlow Plan(string functionId, string triggerJson)
    {
        using var document = JsonDocument.Parse(triggerJson);
        var root = document.RootElement;
        return Plan(functionId, root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root);
    }

    private static string Describe(object value) => value switch
    {
        string s => "a string (\"" + s + "\")",
        bool b => b.ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
        _ => "an object or array",
    };
}

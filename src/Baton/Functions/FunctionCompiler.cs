using Baton.Functions;
using Cronos;

namespace Baton.Internal;

/// <summary>Validates a <see cref="FunctionBuilder"/> and compiles it; every error names the function and the field.</summary>
internal static class FunctionCompiler
{
    public const string FailureEventName = "baton/function.failed";
    public const string InvokeEventName = "baton/function.invoked";
    public const string CronEventName = "baton/cron";
    public const int MaxIdLength = 128;

    public static void CheckId(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new FunctionConfigurationException(id ?? "", "id", "must not be empty");
        }

        if (id.Length > MaxIdLength)
        {
            throw new FunctionConfigurationException(id, "id", $"is longer than {MaxIdLength} characters");
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':'))
            {
                throw new FunctionConfigurationException(id, "id", $"contains '{c}'; use letters, digits and - _ . / :");
            }
        }
    }

    public static FunctionDefinition Compile(FunctionBuilder builder, FunctionInvoker invoker, FunctionInvoker? failureInvoker, bool requireTrigger = true)
    {
        var id = builder.Id;
        CheckId(id);
        if (requireTrigger && builder.Triggers.Count == 0)
        {
            throw new FunctionConfigurationException(id, "triggers", "at least one trigger (OnEvent or OnCron) is required");
        }

        var events = new List<CompiledEventTrigger>();
        var crons = new List<CompiledCronTrigger>();
        for (var i = 0; i < builder.Triggers.Count; i++)
        {
            switch (builder.Triggers[i])
            {
                case EventTrigger e:
                    events.Add(CompileEvent(id, i, e));
                    break;
                case CronTrigger c:
                    crons.Add(CompileCron(id, i, c));
                    break;
                default:
                    throw new FunctionConfigurationException(id, $"triggers[{i}]", "unknown trigger type");
            }
        }

        var retry = builder.RetryPolicy ?? RetryPolicy.Default;
        if (retry.Problem() is { } retryProblem)
        {
            throw new FunctionConfigurationException(id, "retry", retryProblem);
        }

        CheckPositive(id, "stepTimeout", builder.StepTimeoutValue);
        CheckPositive(id, "startTimeout", builder.StartTimeoutValue);
        CheckPositive(id, "finishTimeout", builder.FinishTimeoutValue);

        var cancelOns = new List<CompiledCancelOn>();
        for (var i = 0; i < builder.CancelOns.Count; i++)
        {
            cancelOns.Add(CompileCancelOn(id, i, builder.CancelOns[i]));
        }

        var definition = new FunctionDefinition
        {
            Id = id,
            Name = builder.DisplayName ?? id,
            EventTriggers = events,
            CronTriggers = crons,
            Retry = retry,
            StepTimeout = builder.StepTimeoutValue,
            StartTimeout = builder.StartTimeoutValue,
            FinishTimeout = builder.FinishTimeoutValue,
            Idempotency = builder.IdempotencyKey is null ? null : ParseExpression(id, "idempotency", builder.IdempotencyKey),
            CancelOns = cancelOns,
            Ingest = Flow.IngestRulesCompiler.Compile(builder),
            Flow = Flow.CompiledFlow.Compile(builder),
            Invoker = invoker,
            FailureHandler = failureInvoker is null ? null : new FunctionDefinition
            {
                Id = id + "/on-failure",
                Name = (builder.DisplayName ?? id) + " (on failure)",
                EventTriggers = [],
                CronTriggers = [],
                Retry = retry,
                StepTimeout = builder.StepTimeoutValue,
                CancelOns = [],
                Invoker = failureInvoker,
            },
        };
        return definition;
    }

    /// <summary>Builds the condition of a field match: the path is equal on the trigger (<c>event</c>) and the new event (<c>async</c>).</summary>
    public static string MatchCondition(string functionId, string field, string match)
    {
        var path = match.StartsWith("event.", StringComparison.Ordinal) ? match["event.".Length..] : match;
        var condition = $"event.{path} == async.{path}";
        ParseExpression(functionId, field, condition);
        return condition;
    }

    public static BatonExpression ParseExpression(string functionId, string field, string text)
    {
        try
        {
            return BatonExpression.Parse(text);
        }
        catch (ExpressionException e)
        {
            throw new FunctionConfigurationException(functionId, field, e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw new FunctionConfigurationException(functionId, field, e.Message, e);
        }
    }

    private static CompiledEventTrigger CompileEvent(string id, int index, EventTrigger trigger)
    {
        var field = $"triggers[{index}].event";
        if (EventValidation.CheckName(trigger.Event) is { } problem)
        {
            throw new FunctionConfigurationException(id, field, problem);
        }

        string? prefix = null;
        if (trigger.Event.Contains('*', StringComparison.Ordinal))
        {
            if (!trigger.Event.EndsWith("/*", StringComparison.Ordinal) || trigger.Event.IndexOf('*', StringComparison.Ordinal) != trigger.Event.Length - 1)
            {
                throw new FunctionConfigurationException(id, field, $"'{trigger.Event}': a wildcard must be a whole last segment, as in 'prefix/*'");
            }

            prefix = trigger.Event[..^1];
        }

        var filter = trigger.If is null ? null : ParseExpression(id, $"triggers[{index}].if", trigger.If);
        return new CompiledEventTrigger(trigger.Event, prefix, filter);
    }

    private static CompiledCronTrigger CompileCron(string id, int index, CronTrigger trigger)
    {
        CronExpression cron;
        try
        {
            var fields = trigger.Schedule?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length ?? 0;
            cron = CronExpression.Parse(trigger.Schedule ?? "", fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (Exception e) when (e is CronFormatException or ArgumentException)
        {
            throw new FunctionConfigurationException(id, $"triggers[{index}].cron", $"'{trigger.Schedule}' is not a valid cron expression: {e.Message}", e);
        }

        var zone = TimeZoneInfo.Utc;
        if (trigger.TimeZone is not null)
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(trigger.TimeZone);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new FunctionConfigurationException(id, $"triggers[{index}].timeZone", $"'{trigger.TimeZone}' is not a known time zone", e);
            }
        }

        return new CompiledCronTrigger(index, trigger.Schedule!, cron, zone);
    }

    private static CompiledCancelOn CompileCancelOn(string id, int index, CancelOn cancel)
    {
        var field = $"cancelOn[{index}]";
        if (EventValidation.CheckName(cancel.Event) is { } problem)
        {
            throw new FunctionConfigurationException(id, field + ".event", problem);
        }

        if ((cancel.Match is null) == (cancel.If is null))
        {
            throw new FunctionConfigurationException(id, field, "give exactly one of match (a field path) or if (an expression)");
        }

        if (cancel.Window is { } window && window <= TimeSpan.Zero)
        {
            throw new FunctionConfigurationException(id, field + ".window", "must be positive");
        }

        var condition = cancel.Match is not null
            ? MatchCondition(id, field + ".match", cancel.Match)
            : cancel.If!;
        return new CompiledCancelOn(cancel.Event, ParseExpression(id, field + (cancel.Match is null ? ".if" : ".match"), condition), cancel.Window);
    }

    private static void CheckPositive(string id, string field, TimeSpan? value)
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            throw new FunctionConfigurationException(id, field, "must be positive");
        }
    }
}

using Baton.Internal;

namespace Baton.Flow;

/// <summary>Validates and compiles the ingest-time rules of a <see cref="FunctionBuilder"/>; every error names the function and the field.</summary>
internal static class IngestRulesCompiler
{
    /// <summary>Longest rate-limit period: the limiter's state is per key and must not grow without bound in time.</summary>
    public static readonly TimeSpan MaxRatePeriod = TimeSpan.FromHours(24);

    /// <summary>Largest batch: the events travel in the run's trigger, which is rewritten as each one joins.</summary>
    public const int MaxBatchSize = 1000;

    public static IngestRules? Compile(FunctionBuilder builder)
    {
        var id = builder.Id;
        if (builder.RateLimitValue is null && builder.DebounceValue is null && builder.BatchValue is null && builder.SingletonValue is null)
        {
            return null;
        }

        if (builder.DebounceValue is not null && builder.BatchValue is not null)
        {
            throw new FunctionConfigurationException(id, "batch", "cannot be combined with debounce: both decide when a run starts");
        }

        if (builder.SingletonValue is not null && (builder.DebounceValue is not null || builder.BatchValue is not null))
        {
            throw new FunctionConfigurationException(
                id, "singleton", $"cannot be combined with {(builder.DebounceValue is null ? "batch" : "debounce")}: a pending run would count as active and hold back every later event");
        }

        return new IngestRules(
            builder.RateLimitValue is { } rate ? CompileRateLimit(id, rate) : null,
            builder.DebounceValue is { } debounce ? CompileDebounce(id, debounce) : null,
            builder.BatchValue is { } batch ? CompileBatch(id, batch) : null,
            builder.SingletonValue is { } singleton ? CompileSingleton(id, singleton) : null);
    }

    private static CompiledRateLimit CompileRateLimit(string id, RateLimitPolicy rate)
    {
        if (rate.Limit < 1)
        {
            throw new FunctionConfigurationException(id, "rateLimit.limit", $"must be at least 1 (was {rate.Limit})");
        }

        if (rate.Period <= TimeSpan.Zero || rate.Period > MaxRatePeriod)
        {
            throw new FunctionConfigurationException(id, "rateLimit.period", $"must be positive and at most 24 hours (was {rate.Period})");
        }

        if (rate.Period.TotalMilliseconds < rate.Limit)
        {
            throw new FunctionConfigurationException(id, "rateLimit.period", $"must allow at least 1 ms per run ({rate.Limit} runs in {rate.Period})");
        }

        return new CompiledRateLimit(rate.Limit, rate.Period, Key(id, "rateLimit.key", rate.Key));
    }

    private static CompiledDebounce CompileDebounce(string id, DebouncePolicy debounce)
    {
        if (debounce.Period <= TimeSpan.Zero)
        {
            throw new FunctionConfigurationException(id, "debounce.period", $"must be positive (was {debounce.Period})");
        }

        if (debounce.Timeout is { } timeout && timeout < debounce.Period)
        {
            throw new FunctionConfigurationException(id, "debounce.timeout", $"must be at least the period ({debounce.Period}; was {timeout})");
        }

        return new CompiledDebounce(debounce.Period, debounce.Timeout, Key(id, "debounce.key", debounce.Key));
    }

    private static CompiledBatch CompileBatch(string id, BatchPolicy batch)
    {
        if (batch.MaxSize < 1 || batch.MaxSize > MaxBatchSize)
        {
            throw new FunctionConfigurationException(id, "batch.maxSize", $"must be between 1 and {MaxBatchSize} (was {batch.MaxSize})");
        }

        if (batch.Timeout <= TimeSpan.Zero)
        {
            throw new FunctionConfigurationException(id, "batch.timeout", $"must be positive (was {batch.Timeout})");
        }

        return new CompiledBatch(batch.MaxSize, batch.Timeout, Key(id, "batch.key", batch.Key));
    }

    private static CompiledSingleton CompileSingleton(string id, SingletonPolicy singleton)
    {
        if (!Enum.IsDefined(singleton.Mode))
        {
            throw new FunctionConfigurationException(id, "singleton.mode", $"'{singleton.Mode}' is not a singleton mode");
        }

        return new CompiledSingleton(singleton.Mode, Key(id, "singleton.key", singleton.Key));
    }

    private static FlowKey Key(string id, string field, string? text)
        => new(text is null ? null : FunctionCompiler.ParseExpression(id, field, text));
}

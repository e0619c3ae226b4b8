namespace Baton.Flow;

/// <summary>A rule's key: an expression over <c>event</c>, or none (one key for the whole function).</summary>
internal sealed record FlowKey(BatonExpression? Expression)
{
    /// <summary>The key text when the rule has no key expression.</summary>
    public const string Whole = "";
}

internal sealed record CompiledRateLimit(int Limit, TimeSpan Period, FlowKey Key);

internal sealed record CompiledDebounce(TimeSpan Period, TimeSpan? Timeout, FlowKey Key);

internal sealed record CompiledBatch(int MaxSize, TimeSpan Timeout, FlowKey Key);

internal sealed record CompiledSingleton(SingletonMode Mode, FlowKey Key);

/// <summary>A function's ingest-time rules, compiled; null on a function that declares none (the plain, fast path).</summary>
internal sealed record IngestRules(CompiledRateLimit? RateLimit, CompiledDebounce? Debounce, CompiledBatch? Batch, CompiledSingleton? Singleton);

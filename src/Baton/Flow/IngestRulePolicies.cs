namespace Baton.Flow;

/// <summary>Rate limit as declared: at most <paramref name="Limit"/> runs per <paramref name="Period"/> per key; excess events are skipped.</summary>
internal sealed record RateLimitPolicy(int Limit, TimeSpan Period, string? Key);

/// <summary>Debounce as declared: a run starts once no event has arrived for <paramref name="Period"/> (at most <paramref name="Timeout"/> after the first).</summary>
internal sealed record DebouncePolicy(TimeSpan Period, string? Key, TimeSpan? Timeout);

/// <summary>Batching as declared: up to <paramref name="MaxSize"/> events per run, started when full or <paramref name="Timeout"/> after the first.</summary>
internal sealed record BatchPolicy(int MaxSize, TimeSpan Timeout, string? Key);

/// <summary>Singleton as declared: one active run per key.</summary>
internal sealed record SingletonPolicy(string? Key, SingletonMode Mode);

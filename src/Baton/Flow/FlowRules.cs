namespace Baton.Flow;

/// <summary>A concurrency constraint as declared on a function.</summary>
/// <param name="Limit">Runs of the key that may execute at once.</param>
/// <param name="Key">Expression over <c>event</c> giving the key; null: one key for the whole function (or scope).</param>
/// <param name="Scope">Who shares the key's slots.</param>
internal sealed record ConcurrencyRule(int Limit, string? Key, ConcurrencyScope Scope);

/// <summary>A throttle as declared on a function.</summary>
/// <param name="Limit">Run starts per period.</param>
/// <param name="Period">The period.</param>
/// <param name="Burst">Starts allowed back to back.</param>
/// <param name="Key">Expression over <c>event</c> giving the key; null: one throttle for the function.</param>
internal sealed record ThrottleRule(int Limit, TimeSpan Period, int Burst, string? Key);

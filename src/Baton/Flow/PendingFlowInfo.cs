using Baton.Storage;

namespace Baton;

/// <summary>A debounced or batching function's pending run for one key: created, not started yet, still taking events.</summary>
public sealed record PendingFlowInfo
{
    /// <summary>The function.</summary>
    public required string FunctionId { get; init; }

    /// <summary>Debounce or batch.</summary>
    public required GatherKind Kind { get; init; }

    /// <summary>The key's value ("" when the rule has no key).</summary>
    public required string Key { get; init; }

    /// <summary>The pending run (queued; listed by <see cref="IBatonInspector.ListRunsAsync"/> too).</summary>
    public required string RunId { get; init; }

    /// <summary>Events that joined it: for a batch, how many it holds; for debounce, how many it has absorbed (it runs with the last).</summary>
    public required int Events { get; init; }

    /// <summary>When its first event arrived.</summary>
    public required DateTimeOffset FirstEventAt { get; init; }

    /// <summary>When it is due to start unless more events move it (debounce) or fill it (batch).</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>The run's trigger event: debounce's latest, a batch's first.</summary>
    public string? EventId { get; init; }
}

namespace Baton.Storage;

/// <summary>
/// A resource budget's shared state, one row per resource name. The core decides what it means
/// (<see cref="IResourcePolicy"/>); the provider stores it and hands it over under a lock.
/// </summary>
public sealed record ResourceState
{
    /// <summary>No row yet: an idle resource.</summary>
    public static ResourceState Empty { get; } = new();

    /// <summary>GCRA theoretical arrival time: when the rate is fully replenished. Null when never used.</summary>
    public DateTimeOffset? Tat { get; init; }

    /// <summary>Until when the resource is paused, or null.</summary>
    public DateTimeOffset? PausedUntil { get; init; }

    /// <summary>Start of the quota window <see cref="Used"/> counts in, or null.</summary>
    public DateTimeOffset? WindowStart { get; init; }

    /// <summary>Units used in the window that starts at <see cref="WindowStart"/>.</summary>
    public long Used { get; init; }

    /// <summary>The latest wake time handed to a run queued for the resource; later arrivals queue behind it.</summary>
    public DateTimeOffset? QueueUntil { get; init; }
}

/// <summary>What the core decided for a resource request: the new state, and whether the request was granted or until when it waits.</summary>
/// <param name="State">The state to store.</param>
/// <param name="Granted">True when the step may run now.</param>
/// <param name="WakeAt">When refused: when the run tries again.</param>
public sealed record ResourceDecision(ResourceState State, bool Granted, DateTimeOffset? WakeAt);

/// <summary>The core's rule for one resource request. A provider calls it with the row's current state while holding the row's lock.</summary>
public interface IResourcePolicy
{
    /// <summary>Decides on a request given the stored state (<see cref="ResourceState.Empty"/> when there is no row). Must be pure: a batch retried calls it again.</summary>
    ResourceDecision Decide(ResourceState current);
}

/// <summary>Acquire units of a resource (or pause it) for a leased run, atomically across nodes.</summary>
/// <param name="Lease">The run's lease; nothing changes when it is no longer held.</param>
/// <param name="Resource">The resource's name.</param>
/// <param name="Policy">Decides on the request from the locked row.</param>
public sealed record ResourceCommand(LeaseRef Lease, string Resource, IResourcePolicy Policy);

/// <summary>Outcome of a <see cref="ResourceCommand"/>.</summary>
/// <param name="Fence">LeaseLost when the caller no longer holds the run (nothing was changed).</param>
/// <param name="Decision">The decision that was stored, when applied.</param>
public sealed record ResourceResult(FenceResult Fence, ResourceDecision? Decision);

/// <summary>A provider's writer that keeps resource budgets. Both built-in providers implement it.</summary>
public interface IResourceWriter
{
    /// <summary>
    /// Within the writer's transaction: checks the lease, locks the resource's row (creating it if absent), asks the
    /// policy and stores the state it returns. Two nodes can never both decide on the same state.
    /// </summary>
    ValueTask<ResourceResult> ApplyResourceAsync(ResourceCommand command, CancellationToken cancellationToken);
}

/// <summary>A provider's store that can read resource budgets back. Both built-in providers implement it.</summary>
public interface IResourceStore
{
    /// <summary>The stored state of every resource that has a row, by name.</summary>
    Task<IReadOnlyDictionary<string, ResourceState>> GetResourceStatesAsync(CancellationToken cancellationToken);
}

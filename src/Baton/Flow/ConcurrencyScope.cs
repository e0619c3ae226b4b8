namespace Baton;

/// <summary>Which runs share the slots of a concurrency constraint.</summary>
public enum ConcurrencyScope
{
    /// <summary>The function's own runs: each key value has its own slots, separate from every other function's.</summary>
    Function,

    /// <summary>
    /// Every function that declares a <see cref="Shared"/> constraint: all runs whose key evaluates to the same value,
    /// whatever their function, share that value's slots. Make the value say what it guards (for example
    /// <c>"ebay:" + event.data.marketplace</c>) so unrelated functions do not meet by accident.
    /// </summary>
    Shared,
}

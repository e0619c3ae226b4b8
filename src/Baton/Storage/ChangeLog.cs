namespace Baton.Storage;

/// <summary>
/// A position in the store's change feed (see <see cref="IBatonStore.ReadChangesAsync"/>). Opaque to callers: a provider
/// decides what its two numbers mean (SQLite: the last sequence number read; PostgreSQL: a transaction id and a
/// sequence number within it).
/// </summary>
/// <param name="Major">First part.</param>
/// <param name="Minor">Second part.</param>
public sealed record ChangeCursor(long Major, long Minor);

/// <summary>Changes read from the store's change feed, oldest first.</summary>
/// <param name="Changes">The changes: <see cref="RunChange"/> (state of a run) and <see cref="StepChange"/> (a step recorded); a run change always has its function.</param>
/// <param name="Next">Where the next read continues.</param>
/// <param name="More">True when the page was full and more changes may be readable at once.</param>
public sealed record ChangePage(IReadOnlyList<BatonChange> Changes, ChangeCursor Next, bool More);

using System.Collections.Concurrent;

namespace Baton;

/// <summary>
/// The functions paused in this process. The event router consults it inside the ingest transaction: an event for a
/// paused function is stored and recorded as skipped with <see cref="PausedReason"/>, and starts no run.
/// </summary>
public sealed class FunctionPauses
{
    /// <summary>The skip reason recorded for an event that arrived while its function was paused.</summary>
    public const string PausedReason = "function paused";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _paused = new(StringComparer.Ordinal);

    /// <summary>When <paramref name="functionId"/> was paused, or null when it runs.</summary>
    public DateTimeOffset? PausedAt(string functionId) => _paused.TryGetValue(functionId, out var at) ? at : null;

    /// <summary>True when <paramref name="functionId"/> is paused.</summary>
    public bool IsPaused(string functionId) => !_paused.IsEmpty && _paused.ContainsKey(functionId);

    internal bool Pause(string functionId, DateTimeOffset at) => _paused.TryAdd(functionId, at);

    internal bool Resume(string functionId, out DateTimeOffset pausedAt) => _paused.TryRemove(functionId, out pausedAt);
}

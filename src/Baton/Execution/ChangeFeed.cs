namespace Baton;

/// <summary>A change of a run's state, published after it is committed.</summary>
/// <param name="RunId">The run.</param>
/// <param name="FunctionId">Its function.</param>
/// <param name="Status">Its new state.</param>
/// <param name="Applied">False when the change was refused (the writer had lost the lease).</param>
public sealed record RunChange(string RunId, string FunctionId, RunStatus Status, bool Applied = true) : BatonChange(RunId);

/// <summary>A step was recorded.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StepId">The step.</param>
/// <param name="Status">The step's new state.</param>
public sealed record StepChange(string RunId, string StepId, StepStatus Status) : BatonChange(RunId);

/// <summary>Base of committed changes published by this process.</summary>
/// <param name="RunId">The run concerned.</param>
public abstract record BatonChange(string RunId);

/// <summary>
/// In-process feed of committed changes (runs created, started, parked, finished; steps recorded) made by
/// this process. The test host and live views subscribe to it instead of polling.
/// </summary>
public sealed class ChangeFeed
{
    private volatile Action<BatonChange>[] _subscribers = [];
    private readonly object _gate = new();

    /// <summary>Calls <paramref name="handler"/> for every change until the returned handle is disposed. The handler must be fast and must not throw.</summary>
    public IDisposable Subscribe(Action<BatonChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, handler];
        }

        return new Subscription(this, handler);
    }

    internal void Publish(BatonChange change)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber(change);
        }
    }

    private void Unsubscribe(Action<BatonChange> handler)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != handler).ToArray();
        }
    }

    private sealed class Subscription(ChangeFeed feed, Action<BatonChange> handler) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(handler);
    }
}

namespace Baton.Internal;

/// <summary>
/// An auto-reset signal that coalesces: any number of <see cref="Set"/> calls wake one pending wait once.
/// Waits take a timeout measured by the injected <see cref="TimeProvider"/>, so fake clocks drive them.
/// </summary>
internal sealed class AsyncSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource<bool>? _waiter;
    private bool _set;

    public void Set()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
            _set = waiter is null;
        }

        waiter?.TrySetResult(true);
    }

    /// <summary>Waits until set, the timeout elapses (false) or the token is cancelled.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> waiter;
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                return true;
            }

            // A look without waiting leaves no waiter behind: a later Set would complete it and be lost to the next wait.
            if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            {
                return false;
            }

            waiter = _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var timer = timeout == Timeout.InfiniteTimeSpan
            ? null
            : time.CreateTimer(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), waiter, timeout, Timeout.InfiniteTimeSpan);
        await using var registration = cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetCanceled(), waiter).ConfigureAwait(false);
        try
        {
            return await waiter.Task.ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                // A timed-out or cancelled waiter must not be reused by the next wait.
                if (ReferenceEquals(_waiter, waiter))
                {
                    _waiter = null;
                }
            }
        }
    }
}

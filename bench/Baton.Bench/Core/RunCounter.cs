using System.Diagnostics;

namespace Baton.Bench.Core;

/// <summary>
/// Counts committed run changes of one status from Baton's change feed, and notes the moment the target
/// count is reached. A failed run fails the wait at once: a benchmark that loses runs must not report a rate.
/// </summary>
internal sealed class RunCounter : IDisposable
{
    private readonly RunStatus _status;
    private readonly int _target;
    private readonly IDisposable _subscription;
    private readonly TaskCompletionSource<long> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    public RunCounter(ChangeFeed changes, RunStatus status, int target)
    {
        _status = status;
        _target = target;
        _subscription = changes.Subscribe(OnChange);
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp at which the target was reached.</summary>
    public async Task<long> WhenReachedAsync(TimeSpan timeout)
    {
        try
        {
            return await _reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"only {Count} of {_target} runs reached {_status} within {timeout}");
        }
    }

    public void Dispose() => _subscription.Dispose();

    private void OnChange(BatonChange change)
    {
        if (change is not RunChange { Applied: true } run)
        {
            return;
        }

        if (run.Status == _status)
        {
            if (Interlocked.Increment(ref _count) == _target)
            {
                _reached.TrySetResult(Stopwatch.GetTimestamp());
            }
        }
        else if (run.Status is RunStatus.Failed or RunStatus.Cancelled)
        {
            _reached.TrySetException(new InvalidOperationException($"run {run.RunId} ended {run.Status}"));
        }
    }
}

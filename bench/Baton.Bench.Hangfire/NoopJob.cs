namespace Baton.Bench.Hangfire;

/// <summary>The peer's job: does nothing but count itself, so the driver knows when every body has run.</summary>
public static class NoopJob
{
    private static int _done;
    private static int _target;
    private static TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when <see cref="Run"/> was called as often as the target set by <see cref="Reset"/>.</summary>
    public static Task AllDone => _all.Task;

    /// <summary>Bodies run since the last reset.</summary>
    public static int Done => Volatile.Read(ref _done);

    public static void Reset(int target)
    {
        _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _target, target);
        Volatile.Write(ref _done, 0);
    }

    /// <summary>Lowers the target when fewer jobs were enqueued than planned (a time budget ran out).</summary>
    public static void LowerTarget(int target)
    {
        Volatile.Write(ref _target, target);
        if (Done >= target)
        {
            _all.TrySetResult();
        }
    }

    public static void Run()
    {
        if (Interlocked.Increment(ref _done) == Volatile.Read(ref _target))
        {
            _all.TrySetResult();
        }
    }
}

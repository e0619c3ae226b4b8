using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Sqlite.Tests.Fixtures;

/// <summary>
/// A fake clock that also tells when a timer with a given due time is armed, so a test can advance time
/// exactly after the engine started waiting (for instance, on its shutdown grace period) instead of racing it.
/// </summary>
internal sealed class ObservableTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<TimeSpan, TaskCompletionSource> _watches = new();

    /// <summary>Completes when a timer due after <paramref name="dueTime"/> is created. Call it before the action that arms the timer.</summary>
    public Task TimerArmedAsync(TimeSpan dueTime)
        => _watches.GetOrAdd(dueTime, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(StepJournal.Guard);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (_watches.TryGetValue(dueTime, out var watch))
        {
            watch.TrySetResult();
        }

        return timer;
    }
}

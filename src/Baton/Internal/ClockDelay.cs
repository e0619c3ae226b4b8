namespace Baton.Internal;

/// <summary>Waits for an instant on a <see cref="TimeProvider"/> clock.</summary>
internal static class ClockDelay
{
    /// <summary>A clock that moves at least this much while a timer is armed makes the wait look again.</summary>
    private static readonly TimeSpan ArmingSlack = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Completes once the clock reads <paramref name="due"/> or later. Unlike <c>Task.Delay(due - now)</c> it stays
    /// on time when the clock jumps between reading the time and arming the timer (a paused process, a test's fake
    /// clock): a timer armed after such a jump would fire late by the whole jump, so the wait re-arms instead.
    /// </summary>
    public static async Task UntilAsync(TimeProvider time, DateTimeOffset due, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = time.GetUtcNow();
            if (now >= due)
            {
                return;
            }

            var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var timer = time.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), fired, due - now, Timeout.InfiniteTimeSpan);
            if (time.GetUtcNow() - now >= ArmingSlack)
            {
                continue;
            }

            await using var registration = cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetCanceled(), fired).ConfigureAwait(false);
            await fired.Task.ConfigureAwait(false);
        }
    }
}

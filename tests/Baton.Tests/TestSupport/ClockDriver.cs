using Baton.Testing;

namespace Baton.Tests.TestSupport;

/// <summary>Drives runs that park themselves (sleeps, retries, resource waits) to the end on the fake clock.</summary>
public static class ClockDriver
{
    /// <summary>
    /// Repeats: wait until every run of <paramref name="functionId"/> is finished or parked in the future, then advance
    /// the clock to the earliest wake time. The clock never moves while a step executes, so the time a step body reads
    /// is the time its resource was granted.
    /// </summary>
    public static async Task<IReadOnlyList<RunInfo>> DriveUntilFinishedAsync(this BatonTestHost host, string functionId, int count)
    {
        while (true)
        {
            var runs = await host.WaitForRunsOfAsync(functionId, count, r => HostWaits.IsFinished(r) || IsParked(host, r));
            var pending = runs.Where(r => !HostWaits.IsFinished(r)).ToArray();
            if (pending.Length == 0)
            {
                return runs;
            }

            host.Advance(pending.Min(r => r.DueAt!.Value) - host.Time.GetUtcNow());
        }
    }

    private static bool IsParked(BatonTestHost host, RunInfo run)
        => run.Status is RunStatus.Queued or RunStatus.Sleeping or RunStatus.Waiting && run.DueAt > host.Time.GetUtcNow();
}

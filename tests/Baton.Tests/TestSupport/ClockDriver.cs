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
    public static Task<IReadOnlyList<RunInfo>> DriveUntilFinishedAsync(this BatonTestHost host, string functionId, int count)
        => DriveUntilFinishedAsync([host], functionId, count);

    /// <summary>The same for several hosts sharing one store and one clock (each host's change feed is watched).</summary>
    public static async Task<IReadOnlyList<RunInfo>> DriveUntilFinishedAsync(IReadOnlyList<BatonTestHost> hosts, string functionId, int count)
    {
        var host = hosts[0];
        using var signal = new SemaphoreSlim(0);
        var subscriptions = hosts.Select(h => h.Changes.Subscribe(_ => signal.Release())).ToArray();
        try
        {
            while (true)
            {
                using var timeout = new CancellationTokenSource(host.WaitTimeout);
                IReadOnlyList<RunInfo> runs;
                while (true)
                {
                    runs = await host.RunsOfAsync(functionId);
                    if (runs.Count >= count && runs.All(r => HostWaits.IsFinished(r) || IsParked(host, r)))
                    {
                        break;
                    }

                    try
                    {
                        await signal.WaitAsync(timeout.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        throw new TimeoutException($"Runs of {functionId} did not settle: {string.Join(", ", runs.Select(r => r.Status))}");
                    }
                }

                var pending = runs.Where(r => !HostWaits.IsFinished(r)).ToArray();
                if (pending.Length == 0)
                {
                    return runs;
                }

                var by = pending.Min(r => r.DueAt!.Value) - host.Time.GetUtcNow();
                host.Advance(by);
                foreach (var other in hosts.Skip(1))
                {
                    // The clock is shared and has moved already; wake the other workers too.
                    other.Advance(TimeSpan.Zero);
                }
            }
        }
        finally
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }
        }
    }

    private static bool IsParked(BatonTestHost host, RunInfo run)
        => run.Status is RunStatus.Queued or RunStatus.Sleeping or RunStatus.Waiting && run.DueAt > host.Time.GetUtcNow();
}

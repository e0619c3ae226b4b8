using Baton.Testing;

namespace Baton.Tests.TestSupport;

/// <summary>Waits built on the host's change feed, for situations the host's own helpers do not cover.</summary>
public static class HostWaits
{
    /// <summary>All runs of a function, oldest first.</summary>
    public static async Task<IReadOnlyList<RunInfo>> RunsOfAsync(this BatonTestHost host, string functionId)
    {
        var page = await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = functionId, Limit = 1000 });
        return page.Items.Reverse().ToArray();
    }

    /// <summary>Waits until <paramref name="count"/> runs of <paramref name="functionId"/> exist and all satisfy <paramref name="condition"/> (default: finished).</summary>
    public static async Task<IReadOnlyList<RunInfo>> WaitForRunsOfAsync(this BatonTestHost host, string functionId, int count, Func<RunInfo, bool>? condition = null)
    {
        condition ??= IsFinished;
        using var signal = new SemaphoreSlim(0);
        using var subscription = host.Changes.Subscribe(_ => signal.Release());
        using var timeout = new CancellationTokenSource(host.WaitTimeout);
        IReadOnlyList<RunInfo> runs = [];
        try
        {
            while (true)
            {
                runs = await host.RunsOfAsync(functionId);
                if (runs.Count >= count && runs.All(condition))
                {
                    return runs;
                }

                await signal.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Expected {count} run(s) of {functionId}; found {runs.Count}: {string.Join(", ", runs.Select(r => r.Status))}");
        }
    }

    /// <summary>
    /// Drives a run through its retry backoffs: each time it is parked for a retry, the clock is advanced to its due time.
    /// Returns the finished run and the delays the clock was advanced by.
    /// </summary>
    public static async Task<(RunInfo Run, IReadOnlyList<TimeSpan> Delays)> AdvanceThroughRetriesAsync(this BatonTestHost host, string runId)
    {
        var delays = new List<TimeSpan>();
        while (true)
        {
            var run = await host.WaitForRunAsync(runId, r => IsFinished(r) || IsParkedForRetry(host, r));
            if (IsFinished(run))
            {
                return (run, delays);
            }

            var delay = run.DueAt!.Value - host.Time.GetUtcNow();
            delays.Add(delay);
            host.Advance(delay);
        }
    }

    /// <summary>Sends an event and returns the id of the run it created for <paramref name="functionId"/>.</summary>
    public static async Task<string> StartRunAsync(this BatonTestHost host, string eventName, object? data, string functionId)
    {
        var eventId = await host.SendAsync(eventName, data);
        return await host.WaitForRunOfEventAsync(eventId, functionId);
    }

    public static bool IsFinished(RunInfo run) => run.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    private static bool IsParkedForRetry(BatonTestHost host, RunInfo run)
        => run.Status == RunStatus.Queued && run.DueAt > host.Time.GetUtcNow();
}

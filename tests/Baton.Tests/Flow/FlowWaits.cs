using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Flow;

/// <summary>Waits and reads for flow-control tests, where pending (not yet due) runs sit beside finished ones.</summary>
internal static class FlowWaits
{
    /// <summary>Waits until exactly <paramref name="count"/> runs of the function have finished; returns them oldest first.</summary>
    public static async Task<IReadOnlyList<RunInfo>> WaitForFinishedAsync(this BatonTestHost host, string functionId, int count)
    {
        using var signal = new SemaphoreSlim(0);
        using var subscription = host.Changes.Subscribe(_ => signal.Release());
        using var timeout = new CancellationTokenSource(host.WaitTimeout);
        IReadOnlyList<RunInfo> finished = [];
        try
        {
            while (true)
            {
                finished = (await host.RunsOfAsync(functionId)).Where(HostWaits.IsFinished).ToArray();
                if (finished.Count >= count)
                {
                    return finished;
                }

                await signal.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Expected {count} finished run(s) of {functionId}; found {finished.Count}");
        }
    }

    /// <summary>Every stored event's skips, by event id.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<EventSkip>>> SkipsAsync(this BatonTestHost host)
    {
        var events = await host.Inspector.ListEventsAsync(new EventQuery { Limit = 1000 });
        return events.Items.ToDictionary(e => e.Event.Id, e => e.Skips);
    }
}

using Baton.Hosting;
using Baton.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Sqlite.Tests.Fixtures;

/// <summary>
/// Waits over several hosts sharing one store (and one fake clock): each host publishes only the changes it
/// committed itself, so a wait listens to all of them. Shared with the PostgreSQL tests.
/// </summary>
internal static class Cluster
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>All runs of a function, oldest first.</summary>
    public static async Task<IReadOnlyList<RunInfo>> RunsOfAsync(BatonTestHost host, string functionId)
        => (await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = functionId, Limit = 1000 })).Items.Reverse().ToArray();

    /// <summary>Waits until at least <paramref name="count"/> runs of <paramref name="functionId"/> exist and all have finished.</summary>
    public static async Task<IReadOnlyList<RunInfo>> WaitForRunsAsync(IReadOnlyList<BatonTestHost> hosts, string functionId, int count)
    {
        using var signal = new SemaphoreSlim(0);
        var subscriptions = hosts.Select(h => h.Changes.Subscribe(_ => signal.Release())).ToArray();
        using var timeout = new CancellationTokenSource(Timeout);
        IReadOnlyList<RunInfo> runs = [];
        try
        {
            while (true)
            {
                runs = await RunsOfAsync(hosts[0], functionId);
                if (runs.Count >= count && runs.All(r => r.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled))
                {
                    return runs;
                }

                await signal.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Expected {count} finished run(s) of {functionId}; found {runs.Count}: {string.Join(", ", runs.Select(r => r.Status))}");
        }
        finally
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }
        }
    }

    /// <summary>
    /// Waits until leadership has settled and returns the leader: exactly one host leads, and the store shows its
    /// lease unexpired, so no other host can take it before the clock moves again.
    /// </summary>
    public static async Task<BatonTestHost> SettledLeaderAsync(IReadOnlyList<BatonTestHost> hosts)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var changed = hosts.Select(h => Election(h).Changed).ToArray();
            var leaders = hosts.Where(h => h.IsLeader).ToArray();
            if (leaders.Length == 1 && await hosts[0].Inspector.GetLeaderAsync() is { } stored && stored.WorkerId == leaders[0].WorkerId)
            {
                return leaders[0];
            }

            try
            {
                await Task.WhenAny(changed).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Leadership did not settle: {string.Join(", ", hosts.Select(h => $"{h.WorkerId} leads={h.IsLeader}"))}");
            }
        }
    }

    private static LeaderElection Election(BatonTestHost host) => host.Services.GetRequiredService<BatonWorker>().Election;
}

using System.Collections.Concurrent;

namespace Baton.Tests.FlowControl;

/// <summary>The event of the flow-control tests: a key and a sequence number.</summary>
public sealed record Job(string Key, int N, double Boost = 0);

/// <summary>
/// Records what step bodies do under flow control: which runs are inside a step now, per key; the most ever inside at
/// once per key; the order runs started in, and the (fake) time each started. A body stays inside until the test
/// releases it. Waits are bounded in real time only so that a broken test fails instead of hanging.
/// </summary>
public sealed class FlowProbe(TimeProvider time, bool hold = true)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<int>> _inside = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _max = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _releases = new();
    private readonly List<(Job Job, DateTimeOffset At)> _starts = [];
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Runs started (entered their step), in order, with the time they entered.</summary>
    public IReadOnlyList<(Job Job, DateTimeOffset At)> Starts
    {
        get
        {
            lock (_gate)
            {
                return [.. _starts];
            }
        }
    }

    /// <summary>The most bodies of a key inside at once.</summary>
    public int MaxInside(string key)
    {
        lock (_gate)
        {
            return _max.GetValueOrDefault(key);
        }
    }

    /// <summary>The jobs inside now.</summary>
    public IReadOnlyList<Job> Inside()
    {
        lock (_gate)
        {
            return _inside.SelectMany(p => p.Value.Select(n => new Job(p.Key, n))).OrderBy(j => j.N).ToArray();
        }
    }

    /// <summary>Called from a step body: records entry, waits for release (when holding), records exit.</summary>
    public async Task EnterAsync(Job job, CancellationToken token)
    {
        var release = _releases.GetOrAdd(job.N, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (!_inside.TryGetValue(job.Key, out var set))
            {
                _inside[job.Key] = set = [];
            }

            set.Add(job.N);
            _max[job.Key] = Math.Max(_max.GetValueOrDefault(job.Key), set.Count);
            _starts.Add((job, time.GetUtcNow()));
        }

        _changed.Release();
        try
        {
            if (hold)
            {
                await release.Task.WaitAsync(token);
            }
        }
        finally
        {
            lock (_gate)
            {
                _inside[job.Key].Remove(job.N);
            }

            _changed.Release();
        }
    }

    /// <summary>Lets job <paramref name="n"/> finish its step; from now on it no longer counts as inside.</summary>
    public void Release(int n)
    {
        lock (_gate)
        {
            foreach (var set in _inside.Values)
            {
                set.Remove(n);
            }
        }

        _releases.GetOrAdd(n, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the probe.</summary>
    public async Task WaitUntilAsync(Func<FlowProbe, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition(this))
        {
            try
            {
                await _changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {what}; inside: {string.Join(", ", Inside())}; starts: {Starts.Count}");
            }
        }
    }
}

/// <summary>Waits on the host for the flow-control tests.</summary>
public static class FlowWaits
{
    /// <summary>
    /// Waits until <paramref name="count"/> runs of <paramref name="functionId"/> have finished. Tests that move the
    /// clock wait for this first, so that no run is executing when its lease could expire.
    /// </summary>
    public static async Task WaitForFinishedAsync(this Baton.Testing.BatonTestHost host, string functionId, int count)
    {
        using var signal = new SemaphoreSlim(0);
        using var subscription = host.Changes.Subscribe(_ => signal.Release());
        using var timeout = new CancellationTokenSource(host.WaitTimeout);
        var finished = 0;
        while (true)
        {
            finished = (await TestSupport.HostWaits.RunsOfAsync(host, functionId)).Count(TestSupport.HostWaits.IsFinished);
            if (finished >= count)
            {
                return;
            }

            try
            {
                await signal.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} finished run(s) of {functionId}; found {finished}");
            }
        }
    }
}

namespace Baton.Sqlite.Tests.Fixtures;

/// <summary>Records every execution of a step body and which host ran it; lets a test wait until a step has started.</summary>
internal sealed class StepJournal
{
    /// <summary>Real-time bound of every wait, so a broken engine fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly List<(string Host, string Step)> _executions = [];
    private readonly Dictionary<(string Host, string Step), TaskCompletionSource> _started = [];

    /// <summary>Called first thing in a step body.</summary>
    public void Record(string host, string step)
    {
        TaskCompletionSource started;
        lock (_gate)
        {
            _executions.Add((host, step));
            started = StartedLocked(host, step);
        }

        started.TrySetResult();
    }

    /// <summary>Completes once <paramref name="host"/> has started <paramref name="step"/>.</summary>
    public Task StartedAsync(string host, string step)
    {
        lock (_gate)
        {
            return StartedLocked(host, step).Task.WaitAsync(Guard);
        }
    }

    /// <summary>The hosts that executed <paramref name="step"/>, in order (one entry per execution).</summary>
    public IReadOnlyList<string> HostsThatRan(string step)
    {
        lock (_gate)
        {
            return _executions.Where(e => e.Step == step).Select(e => e.Host).ToArray();
        }
    }

    /// <summary>The steps <paramref name="host"/> executed, in order.</summary>
    public IReadOnlyList<string> StepsRunBy(string host)
    {
        lock (_gate)
        {
            return _executions.Where(e => e.Host == host).Select(e => e.Step).ToArray();
        }
    }

    private TaskCompletionSource StartedLocked(string host, string step)
    {
        if (!_started.TryGetValue((host, step), out var started))
        {
            _started[(host, step)] = started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return started;
    }
}

/// <summary>Holds a step in flight until the test opens it.</summary>
internal sealed class Gate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the gate opens; cancellation is ignored on purpose, like a hung call.</summary>
    public Task WaitAsync() => _open.Task;

    public void Open() => _open.TrySetResult();
}

namespace Baton.Tests.TestSupport;

/// <summary>
/// Holds a step's body until the test releases it, and tells the test when the body has been entered.
/// Waits are bounded in real time only so that a broken test fails instead of hanging.
/// </summary>
public sealed class Gate
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _entries;

    /// <summary>How many times a body passed into the gate.</summary>
    public int Entries => Volatile.Read(ref _entries);

    /// <summary>Called from a step body: signals entry, then waits for <see cref="Release"/> (or the token).</summary>
    public async Task PassAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _entries);
        _entered.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes when a body has entered the gate.</summary>
    public Task WaitEnteredAsync() => _entered.Task.WaitAsync(Bound);

    /// <summary>Lets every waiting and future body through.</summary>
    public void Release() => _released.TrySetResult();
}

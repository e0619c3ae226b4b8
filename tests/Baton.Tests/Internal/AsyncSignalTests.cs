using Baton.Internal;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Tests.Internal;

/// <summary>The worker's wake-up signal: a set is never lost, whatever waits came before it.</summary>
public sealed class AsyncSignalTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Set_AfterALookWithoutWaiting_WakesTheNextWait()
    {
        var signal = new AsyncSignal();
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, _time, CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.FromSeconds(-1), _time, CancellationToken.None));

        signal.Set();

        var wait = signal.WaitAsync(TimeSpan.FromMinutes(1), _time, CancellationToken.None);
        Assert.True(wait.IsCompleted, "the set was kept for the next wait");
        Assert.True(await wait);
    }

    [Fact]
    public async Task Sets_BeforeAWait_CoalesceIntoOneWakeUp()
    {
        var signal = new AsyncSignal();
        signal.Set();
        signal.Set();

        Assert.True(await signal.WaitAsync(TimeSpan.FromMinutes(1), _time, CancellationToken.None));
        var next = signal.WaitAsync(TimeSpan.FromMinutes(1), _time, CancellationToken.None);
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await next);
    }
}

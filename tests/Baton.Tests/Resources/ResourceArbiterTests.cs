using Baton.Resources;
using Baton.Storage;

namespace Baton.Tests.Resources;

public sealed class ResourceArbiterTests
{
    private static readonly ResourceBudget FivePerSecond = new("api", new ResourceRate(5, 1));

    // A real clock is almost never on a whole millisecond: 0.4 ms past one here.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(4_000);

    [Fact]
    public void Decide_BurstOneOffTheMillisecond_GrantsAnIdleResource()
    {
        var decision = new ResourceArbiter(FivePerSecond, 1, Now, ticket: null, pauseUntil: null).Decide(ResourceState.Empty);

        Assert.True(decision.Granted);
        Assert.True(decision.State.Tat >= Now + TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Decide_BurstOne_NextRequestWaitsOneIntervalThenItsTicketIsGranted()
    {
        var first = new ResourceArbiter(FivePerSecond, 1, Now, ticket: null, pauseUntil: null).Decide(ResourceState.Empty);
        var soon = Now + TimeSpan.FromMilliseconds(10.3);

        var refused = new ResourceArbiter(FivePerSecond, 1, soon, ticket: null, pauseUntil: null).Decide(first.State);
        var wake = refused.WakeAt!.Value;
        var retried = new ResourceArbiter(FivePerSecond, 1, wake, ticket: wake, pauseUntil: null).Decide(refused.State);

        Assert.False(refused.Granted);
        Assert.InRange(wake - Now, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(201));
        Assert.True(retried.Granted);
    }
}

using Baton.Hosting;
using Baton.Storage;

namespace Baton.Tests.Functions;

/// <summary>Where a new leader resumes a cron schedule (minutes after 00:00; the term starts at 10:00, catch-up 1 min).</summary>
public sealed class CronStartingPointTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, null, 10.0)] // first term ever: nothing was due before it
    [InlineData(2, null, 9.0)] // a previous leader may have died before its first tick was stored
    [InlineData(2, 9.5, 9.5)] // after the last tick fired, so the tick in progress still fires
    [InlineData(2, 3.0, 9.0)] // but not from further back than the catch-up limit
    [InlineData(2, 11.0, 10.0)] // nor later than the term's start (a node whose clock runs ahead)
    [InlineData(1, 9.5, 9.5)] // a recorded tick counts on the first term too
    public void StartingPoint_LastTickAndTerm_ResumesAfterLastTickWithinCatchUp(long token, double? lastTickMinute, double expectedMinute)
    {
        var term = new LeaderTerm(new LeaderLease("baton", "node", token, Midnight.AddMinutes(10.25)), Midnight.AddMinutes(10));
        DateTimeOffset? lastTick = lastTickMinute is { } minute ? Midnight.AddMinutes(minute) : null;

        var from = CronScheduler.StartingPoint(term, lastTick, TimeSpan.FromMinutes(1));

        Assert.Equal(Midnight.AddMinutes(expectedMinute), from);
    }
}

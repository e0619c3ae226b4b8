using Baton.Storage;

namespace Baton.Sqlite.Tests.Conformance;

/// <summary>The leader lease and the record of fired cron ticks.</summary>
public abstract partial class StoreConformanceTests
{
    private const string LeaseName = "baton";

    /// <summary>Length of the leader leases taken in these tests.</summary>
    private static readonly TimeSpan LeaderLease = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AcquireLease_NeverHeld_TakenWithFirstToken()
    {
        var lease = await AcquireLeaseAsync("node-a", T0);

        Assert.Equal(new LeaderLease(LeaseName, "node-a", 1, T0 + LeaderLease), lease);
        Assert.Equal(lease, await Store.GetLeaseAsync(LeaseName, CancellationToken.None));
        Assert.Null(await Store.GetLeaseAsync("other-lease", CancellationToken.None));
    }

    [Fact]
    public async Task AcquireLease_HeldByAnotherUntilExpiry_NotTakenAndHolderReported()
    {
        var held = await AcquireLeaseAsync("node-a", T0);

        var attempt = await AcquireLeaseAsync("node-b", T0 + LeaderLease - TimeSpan.FromMilliseconds(1));

        Assert.Equal(held, attempt);
        Assert.Equal(held, await Store.GetLeaseAsync(LeaseName, CancellationToken.None));
    }

    [Fact]
    public async Task AcquireLease_Expired_TakenByAnotherWithNextToken()
    {
        await AcquireLeaseAsync("node-a", T0);

        var taken = await AcquireLeaseAsync("node-b", T0 + LeaderLease);

        Assert.Equal(new LeaderLease(LeaseName, "node-b", 2, T0 + LeaderLease + LeaderLease), taken);
    }

    [Fact]
    public async Task RenewLease_StillHeld_ExtendsExpiry()
    {
        var held = await AcquireLeaseAsync("node-a", T0);

        var renewed = await Store.RenewLeaseAsync(new RenewLeaseCommand(held, T0.AddSeconds(5) + LeaderLease), CancellationToken.None);
        var atOldExpiry = await AcquireLeaseAsync("node-b", T0 + LeaderLease);
        var atNewExpiry = await AcquireLeaseAsync("node-b", T0.AddSeconds(5) + LeaderLease);

        Assert.True(renewed);
        Assert.Equal("node-a", atOldExpiry.Holder);
        Assert.Equal(T0.AddSeconds(5) + LeaderLease, atOldExpiry.ExpiresAt);
        Assert.Equal("node-b", atNewExpiry.Holder);
    }

    [Fact]
    public async Task RenewLease_TakenOverSinceExpiry_FencedOutAndNewHolderKept()
    {
        var stale = await AcquireLeaseAsync("node-a", T0);
        var current = await AcquireLeaseAsync("node-b", T0 + LeaderLease);

        var renewed = await Store.RenewLeaseAsync(new RenewLeaseCommand(stale, T0.AddHours(1)), CancellationToken.None);
        var released = await Store.ReleaseLeaseAsync(new ReleaseLeaseCommand(stale, T0 + LeaderLease), CancellationToken.None);

        Assert.False(renewed);
        Assert.False(released);
        Assert.Equal(current, await Store.GetLeaseAsync(LeaseName, CancellationToken.None));
    }

    [Fact]
    public async Task RenewLease_ExpiredButNotTaken_RenewedUnderSameToken()
    {
        var held = await AcquireLeaseAsync("node-a", T0);

        // The holder was paused past its expiry, but nobody took the lease meanwhile: no other node led in between.
        var renewed = await Store.RenewLeaseAsync(new RenewLeaseCommand(held, T0.AddMinutes(1) + LeaderLease), CancellationToken.None);
        var attempt = await AcquireLeaseAsync("node-b", T0.AddMinutes(1));

        Assert.True(renewed);
        Assert.Equal(held with { ExpiresAt = T0.AddMinutes(1) + LeaderLease }, attempt);
    }

    [Fact]
    public async Task ReleaseLease_ByHolder_AnotherTakesItAtOnce()
    {
        var held = await AcquireLeaseAsync("node-a", T0);

        var released = await Store.ReleaseLeaseAsync(new ReleaseLeaseCommand(held, T0.AddSeconds(1)), CancellationToken.None);
        var afterRelease = await Store.GetLeaseAsync(LeaseName, CancellationToken.None);
        var taken = await AcquireLeaseAsync("node-b", T0.AddSeconds(1));

        Assert.True(released);
        Assert.Null(afterRelease);
        Assert.Equal(new LeaderLease(LeaseName, "node-b", 2, T0.AddSeconds(1) + LeaderLease), taken);
        Assert.False(await Store.RenewLeaseAsync(new RenewLeaseCommand(held, T0.AddMinutes(1)), CancellationToken.None));
    }

    [Fact]
    public async Task AcquireLease_HolderRunsAgain_NewTokenFencesItsEarlierTerm()
    {
        var first = await AcquireLeaseAsync("node-a", T0);

        var second = await AcquireLeaseAsync("node-a", T0.AddSeconds(1));

        Assert.Equal(new LeaderLease(LeaseName, "node-a", 2, T0.AddSeconds(1) + LeaderLease), second);
        Assert.False(await Store.RenewLeaseAsync(new RenewLeaseCommand(first, T0.AddMinutes(1)), CancellationToken.None));
        Assert.True(await Store.RenewLeaseAsync(new RenewLeaseCommand(second, T0.AddMinutes(1)), CancellationToken.None));
    }

    [Fact]
    public async Task AcquireLease_ManyCandidatesAtOnce_ExactlyOneWinsAndAllSeeIt()
    {
        var candidates = Enumerable.Range(1, 8).Select(i => $"node-{i}").ToArray();

        var results = await Task.WhenAll(candidates.Select(c => Task.Run(() => AcquireLeaseAsync(c, T0))));

        var winner = Assert.Single(results.Select(r => r.Holder).Distinct());
        Assert.Contains(winner, candidates);
        Assert.All(results, r => Assert.Equal(new LeaderLease(LeaseName, winner, 1, T0 + LeaderLease), r));
    }

    [Fact]
    public async Task IngestEvents_WithCronTicks_LastTickIsTheLatestRecorded()
    {
        var unknown = await Store.GetLastCronTickAsync("report:0", CancellationToken.None);
        await IngestTickAsync("report:0", T0.AddMinutes(10));

        // An older tick arriving late (a stale leader), and the same tick again (a duplicate event), change nothing.
        await IngestTickAsync("report:0", T0.AddMinutes(5));
        await IngestTickAsync("report:0", T0.AddMinutes(10));
        await IngestTickAsync("report:1", T0.AddMinutes(1));

        Assert.Null(unknown);
        Assert.Equal(T0.AddMinutes(10), await Store.GetLastCronTickAsync("report:0", CancellationToken.None));
        Assert.Equal(T0.AddMinutes(1), await Store.GetLastCronTickAsync("report:1", CancellationToken.None));
    }

    [Fact]
    public async Task IngestEvents_CronTickRolledBack_NotRecorded()
    {
        var tick = T0.AddMinutes(10);
        await Writer.BeginAsync(CancellationToken.None);
        await Writer.IngestEventsAsync(
            new IngestCommand([Event($"cron:report:0:{tick.ToUnixTimeMilliseconds()}", tick)], new RunPerEvent(), tick, DedupeWindow) { CronTick = new CronTick("report:0", tick) },
            CancellationToken.None);
        await Writer.RollbackAsync(CancellationToken.None);

        Assert.Null(await Store.GetLastCronTickAsync("report:0", CancellationToken.None));
    }

    private Task<LeaderLease> AcquireLeaseAsync(string holder, DateTimeOffset now)
        => Store.AcquireLeaseAsync(new AcquireLeaseCommand(LeaseName, holder, now, now + LeaderLease), CancellationToken.None);

    private Task<IngestResult> IngestTickAsync(string schedule, DateTimeOffset tick)
        => InTransactionAsync(w => w.IngestEventsAsync(
            new IngestCommand([Event($"cron:{schedule}:{tick.ToUnixTimeMilliseconds()}", tick)], new RunPerEvent(), tick, DedupeWindow) { CronTick = new CronTick(schedule, tick) },
            CancellationToken.None));
}

using Baton.Storage;

namespace Baton.Sqlite.Tests.Conformance;

/// <summary>Resource budgets: the row a policy decides on, fenced by the run's lease, read back as stored.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task ApplyResource_NoRowYet_PolicySeesEmptyStateAndItsDecisionIsStored()
    {
        await CreateRunAsync("run-1", T0);
        var lease = await ClaimOneAsync("worker", "run-1", T0);
        var policy = new RecordingPolicy(s => s with { Tat = T0.AddMilliseconds(250), WindowStart = T0, Used = s.Used + 3, QueueUntil = T0.AddSeconds(2), PausedUntil = T0.AddMinutes(1) });

        var result = await InTransactionAsync(w => Resources(w).ApplyResourceAsync(new ResourceCommand(lease, "ebay:EBAY_GB", policy), CancellationToken.None));
        var stored = await ((IResourceStore)Store).GetResourceStatesAsync(CancellationToken.None);

        Assert.Equal(FenceResult.Applied, result.Fence);
        Assert.Equal(ResourceState.Empty, Assert.Single(policy.Seen));
        var expected = new ResourceState { Tat = T0.AddMilliseconds(250), WindowStart = T0, Used = 3, QueueUntil = T0.AddSeconds(2), PausedUntil = T0.AddMinutes(1) };
        Assert.Equal(expected, result.Decision!.State);
        Assert.Equal(expected, Assert.Single(stored).Value);
        Assert.Equal("ebay:EBAY_GB", stored.Keys.Single());
    }

    [Fact]
    public async Task ApplyResource_TwoRequestsInOneBatch_SecondSeesTheFirstsState()
    {
        await CreateRunAsync("run-1", T0);
        var lease = await ClaimOneAsync("worker", "run-1", T0);
        var policy = new RecordingPolicy(s => s with { Used = s.Used + 1 });

        await InTransactionAsync(async w =>
        {
            await Resources(w).ApplyResourceAsync(new ResourceCommand(lease, "api", policy), CancellationToken.None);
            return await Resources(w).ApplyResourceAsync(new ResourceCommand(lease, "api", policy), CancellationToken.None);
        });
        await InTransactionAsync(w => Resources(w).ApplyResourceAsync(new ResourceCommand(lease, "other", policy), CancellationToken.None));
        var stored = await ((IResourceStore)Store).GetResourceStatesAsync(CancellationToken.None);

        Assert.Equal([0L, 1L, 0L], policy.Seen.Select(s => s.Used));
        Assert.Equal(2, stored["api"].Used);
        Assert.Equal(1, stored["other"].Used);
    }

    [Fact]
    public async Task ApplyResource_LeaseNoLongerHeld_LeaseLostAndNothingChanges()
    {
        var (stale, _) = await LeaseTakenOverAsync();
        var policy = new RecordingPolicy(s => s with { Used = 99 });

        var result = await InTransactionAsync(w => Resources(w).ApplyResourceAsync(new ResourceCommand(stale, "api", policy), CancellationToken.None));

        Assert.Equal(FenceResult.LeaseLost, result.Fence);
        Assert.Null(result.Decision);
        Assert.Empty(policy.Seen);
        Assert.Empty(await ((IResourceStore)Store).GetResourceStatesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ApplyResource_RolledBack_StateUnchanged()
    {
        await CreateRunAsync("run-1", T0);
        var lease = await ClaimOneAsync("worker", "run-1", T0);
        var policy = new RecordingPolicy(s => s with { Used = s.Used + 1 });
        await InTransactionAsync(w => Resources(w).ApplyResourceAsync(new ResourceCommand(lease, "api", policy), CancellationToken.None));

        await Writer.BeginAsync(CancellationToken.None);
        await Resources(Writer).ApplyResourceAsync(new ResourceCommand(lease, "api", policy), CancellationToken.None);
        await Writer.RollbackAsync(CancellationToken.None);

        Assert.Equal(1, (await ((IResourceStore)Store).GetResourceStatesAsync(CancellationToken.None))["api"].Used);
    }

    private static IResourceWriter Resources(IStoreWriter writer) => Assert.IsAssignableFrom<IResourceWriter>(writer);

    /// <summary>A policy that grants everything, applies <paramref name="change"/> and records the states it was shown.</summary>
    private sealed class RecordingPolicy(Func<ResourceState, ResourceState> change) : IResourcePolicy
    {
        public List<ResourceState> Seen { get; } = [];

        public ResourceDecision Decide(ResourceState current)
        {
            Seen.Add(current);
            return new ResourceDecision(change(current), true, null);
        }
    }
}

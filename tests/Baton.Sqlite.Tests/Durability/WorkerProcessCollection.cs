namespace Baton.Sqlite.Tests.Durability;

/// <summary>
/// Tests that run real worker processes with a real (short) lease. They run alone, after the parallel tests,
/// so that a CPU starved by other tests on a small machine cannot stall a worker's heartbeats past its lease.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerProcessCollection
{
    public const string Name = "Worker processes";
}

namespace Baton.Postgres.Tests.MultiProcess;

/// <summary>
/// Tests that run several real worker processes against the shared cluster with a real (short) lease, and restart
/// the cluster. They run alone, after the parallel tests: a CPU starved by other tests on a small machine would stall
/// heartbeats past the lease, and a restart would break every other test's connections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiProcessCollection
{
    public const string Name = "Multi-process";
}

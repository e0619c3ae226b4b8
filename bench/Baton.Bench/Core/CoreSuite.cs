using Baton.Bench.Harness;

namespace Baton.Bench.Core;

/// <summary>The core engine on embedded SQLite: throughput, long runs, latency, sleeping runs (issue #2's targets).</summary>
internal sealed class CoreSuite : ISuite
{
    public string Name => "core";

    public IReadOnlyList<IScenario> Scenarios { get; } =
    [
        new SingleStepScenario(),
        new TenStepScenario(),
        new LongRunScenario(),
        new LatencyScenario(),
        new SleepersScenario(),
    ];
}

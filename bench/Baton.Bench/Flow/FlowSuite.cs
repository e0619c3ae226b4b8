using Baton.Bench.Harness;

namespace Baton.Bench.Flow;

/// <summary>Claim-time flow control on embedded SQLite: the cost of concurrency keys, and fairness under a backlog.</summary>
internal sealed class FlowSuite : ISuite
{
    public string Name => "flow";

    public IReadOnlyList<IScenario> Scenarios { get; } =
    [
        new ConcurrencyKeysScenario(),
        new FairnessScenario(),
    ];
}

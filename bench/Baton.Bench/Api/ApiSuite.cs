using Baton.Bench.Harness;

namespace Baton.Bench.Api;

/// <summary>The HTTP surface (Baton.AspNetCore) on embedded SQLite: ingest throughput and the runs page API (issue #4's targets).</summary>
internal sealed class ApiSuite : ISuite
{
    public string Name => "api";

    public IReadOnlyList<IScenario> Scenarios { get; } =
    [
        new IngestScenario(),
        new RunsPageScenario(),
    ];
}

using Baton.Bench.Harness;

namespace Baton.Bench.Crawler;

/// <summary>The marketplace crawler on the simulated marketplace (suite <c>crawler</c>).</summary>
internal sealed class CrawlerSuite : ISuite
{
    public string Name => "crawler";

    public IReadOnlyList<IScenario> Scenarios { get; } = [new CrawlScenario()];
}

using Baton.Bench.Core;
using Baton.Bench.Crawler;
using Baton.Bench.Postgres;

namespace Baton.Bench.Harness;

/// <summary>The suites this benchmark knows. A new suite (postgres, flow, api, crawler) is one more entry.</summary>
internal static class SuiteCatalog
{
    public static IReadOnlyList<ISuite> All { get; } =
    [
        new CoreSuite(),
        new CrawlerSuite(),
        new Flow.FlowSuite(),
        new Flow.FlowPostgresSuite(),
        new PostgresSuite(),
        new Api.ApiSuite(),
    ];

    public static ISuite? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}

using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Inspection;

public sealed class RunKeyFilterTests
{
    [Fact]
    public async Task ListRuns_Key_MatchesTheEvaluatedFlowKeyExactly()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("crawl", f => f.OnEvent("key/go").Concurrency(1, key: "event.data.market"), _ => Task.CompletedTask)
            .AddFunction<object>("limited", f => f.OnEvent("key/go").Throttle(100, TimeSpan.FromSeconds(1), burst: 10, key: "event.data.market"), _ => Task.CompletedTask)
            .AddFunction<object>("plain", f => f.OnEvent("key/go"), _ => Task.CompletedTask));
        await host.SendAsync("key/go", new { market = "EBAY_GB" });
        await host.SendAsync("key/go", new { market = "EBAY_DE" });
        await host.SendAsync("key/go", new { market = "EBAY_GB" });
        var crawl = await host.WaitForRunsOfAsync("crawl", 3, r => r.Status == RunStatus.Completed);
        await host.WaitForRunsOfAsync("limited", 3, r => r.Status == RunStatus.Completed);

        var gb = await host.Inspector.ListRunsAsync(new RunQuery { Key = "EBAY_GB" });
        var gbCrawl = await host.Inspector.ListRunsAsync(new RunQuery { Key = "EBAY_GB", FunctionId = "crawl", Limit = 1 });
        var next = await host.Inspector.ListRunsAsync(new RunQuery { Key = "EBAY_GB", FunctionId = "crawl", Cursor = gbCrawl.NextCursor });
        var none = await host.Inspector.ListRunsAsync(new RunQuery { Key = "ebay_gb" });

        Assert.Equal(4, gb.Items.Count);
        Assert.Equal(["crawl", "crawl", "limited", "limited"], gb.Items.Select(r => r.FunctionId).Order());
        Assert.Equal(
            crawl.Where(r => r.Events[0].Data.GetProperty("market").GetString() == "EBAY_GB").Select(r => r.Id).Order(),
            gbCrawl.Items.Concat(next.Items).Select(r => r.Id).Order());
        Assert.Null(next.NextCursor);
        Assert.Empty(none.Items);
    }
}

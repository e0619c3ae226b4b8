using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Baton.AspNetCore.Tests;

/// <summary>Run logs and the key filter over HTTP.</summary>
public sealed class OperatorStateApiTests
{
    [Fact]
    public async Task RunLogs_Api_PagesLinesInOrderAndRefusesBadCursor()
    {
        await using var app = await ApiApp.StartAsync(baton: b => b.AddFunction<JsonElement>("logger", f => f.OnEvent("test/log"), async ctx =>
        {
            ctx.Logger.LogInformation("fetching page {Page}", 1);
            await ctx.Step.Run("parse", () =>
            {
                ctx.Logger.LogWarning("price missing on {Sku}", "A-1");
                ctx.Logger.LogError(new InvalidOperationException("no price"), "skipped {Sku}", "A-1");
                return Task.FromResult(1);
            });
        }));
        var ids = await app.IngestAsync(new { name = "test/log" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Completed);

        var first = await app.GetJsonAsync($"/api/v1/runs/{run.Id}/logs?limit=2");
        var rest = await app.GetJsonAsync($"/api/v1/runs/{run.Id}/logs?cursor={first.GetProperty("nextCursor").GetString()}");
        using var badCursor = await app.Http.GetAsync(new Uri($"/api/v1/runs/{run.Id}/logs?cursor=abc", UriKind.Relative));
        using var badLimit = await app.Http.GetAsync(new Uri($"/api/v1/runs/{run.Id}/logs?limit=0", UriKind.Relative));
        using var unknown = await app.Http.GetAsync(new Uri("/api/v1/runs/01NOPE/logs", UriKind.Relative));

        var lines = first.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray()).ToArray();
        Assert.Equal([1, 2, 3], lines.Select(l => l.GetProperty("sequence").GetInt32()));
        Assert.Equal(["fetching page 1", "price missing on A-1", "skipped A-1"], lines.Select(l => l.GetProperty("message").GetString()));
        Assert.Equal(["Information", "Warning", "Error"], lines.Select(l => l.GetProperty("level").GetString()));
        Assert.Equal([null, "parse", "parse"], lines.Select(l => l.GetProperty("stepId").GetString()));
        Assert.Contains("no price", lines[2].GetProperty("exception").GetString(), StringComparison.Ordinal);
        Assert.Equal("2", first.GetProperty("nextCursor").GetString());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("'cursor' is not a log cursor", await badCursor.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Runs_KeyFilter_MatchesFlowKeyExactlyAndRefusesBadValues()
    {
        await using var app = await ApiApp.StartAsync(baton: b => b.AddFunction<JsonElement>(
            "crawl", f => f.OnEvent("test/crawl").Concurrency(2, key: "event.data.market"), _ => Task.CompletedTask));
        var ids = await app.IngestAsync(
            new { name = "test/crawl", data = new { market = "EBAY_GB" } },
            new { name = "test/crawl", data = new { market = "EBAY_DE" } },
            new { name = "test/crawl", data = new { market = "EBAY_GB" } });
        foreach (var id in ids)
        {
            await app.WaitForRunOfEventAsync(id, r => r.Status == RunStatus.Completed);
        }

        var gb = await app.GetJsonAsync("/api/v1/runs?key=EBAY_GB");
        var gbOfCrawl = await app.GetJsonAsync("/api/v1/runs?key=EBAY_GB&function=crawl&status=Completed");
        var prefix = await app.GetJsonAsync("/api/v1/runs?key=EBAY");
        using var tooLong = await app.Http.GetAsync(new Uri("/api/v1/runs?key=" + new string('k', 201), UriKind.Relative));
        using var twice = await app.Http.GetAsync(new Uri("/api/v1/runs?key=a&key=b", UriKind.Relative));

        Assert.Equal(2, gb.GetProperty("items").GetArrayLength());
        Assert.All(gb.GetProperty("items").EnumerateArray(), r => Assert.Contains(r.GetProperty("eventId").GetString(), new[] { ids[0], ids[2] }));
        Assert.Equal(2, gbOfCrawl.GetProperty("items").GetArrayLength());
        Assert.Equal(0, prefix.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("'key'", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
    }

    [Fact]
    public async Task OpenApi_DocumentsLogsEndpointAndKeyFilter()
    {
        await using var app = await ApiApp.StartAsync();

        var paths = (await app.GetJsonAsync("/api/v1/openapi/baton.json")).GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/v1/runs/{id}/logs", out var logs));
        Assert.Contains("cursor", logs.GetProperty("get").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("key (flow-control key", paths.GetProperty("/api/v1/runs").GetProperty("get").GetProperty("summary").GetString(), StringComparison.Ordinal);
    }
}

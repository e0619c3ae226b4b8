using System.Net;
using System.Text.Json;

namespace Baton.AspNetCore.Tests;

public sealed class ReadApiTests
{
    [Fact]
    public async Task Functions_ListAndGet_DescribeConfiguration()
    {
        await using var app = await ApiApp.StartAsync();

        var list = await app.GetJsonAsync("/api/v1/functions");
        var greet = await app.GetJsonAsync("/api/v1/functions/greet");

        Assert.Equal(["baton/bulk-replay", "fail", "flaky", "greet", "sleepy"], list.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        Assert.Equal("test/greet", greet.GetProperty("triggers")[0].GetProperty("event").GetString());
        Assert.False(greet.GetProperty("paused").GetBoolean());
        Assert.Equal(JsonValueKind.Object, greet.GetProperty("flow").ValueKind);
        Assert.Equal(0, (await app.GetJsonAsync("/api/v1/functions/fail")).GetProperty("retry").GetProperty("maxRetries").GetInt32());
    }

    [Fact]
    public async Task Function_Unknown_Answers404()
    {
        await using var app = await ApiApp.StartAsync();

        using var response = await app.Http.GetAsync(new Uri("/api/v1/functions/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no function 'nope'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Detail_HasStepsWithOutputsAndTimings()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/greet", data = new { name = "bo" } });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Completed);

        var detail = await app.GetJsonAsync($"/api/v1/runs/{run.Id}");

        Assert.Equal("Completed", detail.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("hello bo 2", detail.GetProperty("run").GetProperty("output").GetString());
        Assert.Equal("test/greet", detail.GetProperty("run").GetProperty("eventName").GetString());
        Assert.Equal("bo", detail.GetProperty("events")[0].GetProperty("data").GetProperty("name").GetString());
        var steps = detail.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(["a", "b"], steps.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal([1, 2], steps.Select(s => s.GetProperty("output").GetInt32()));
        Assert.All(steps, s => Assert.Equal("Completed", s.GetProperty("status").GetString()));
        Assert.All(steps, s => Assert.Equal(1, s.GetProperty("attempts").GetInt32()));
        Assert.All(steps, s => Assert.Equal(0, s.GetProperty("durationMs").GetDouble()));
    }

    [Fact]
    public async Task Run_Failed_ShowsError()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/fail" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Failed);

        var detail = await app.GetJsonAsync($"/api/v1/runs/{run.Id}");

        Assert.Equal("boom", detail.GetProperty("run").GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Run_Unknown_Answers404()
    {
        await using var app = await ApiApp.StartAsync();

        using var response = await app.Http.GetAsync(new Uri("/api/v1/runs/01NOPE", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no run '01NOPE'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_FilterAndCursorPaging_WalkEveryRunOnce()
    {
        await using var app = await ApiApp.StartAsync();
        var sleepers = await app.IngestAsync(Enumerable.Range(0, 5).Select(_ => (object)new { name = "test/sleep" }).ToArray());
        foreach (var id in sleepers)
        {
            await app.WaitForRunOfEventAsync(id, r => r.Status == RunStatus.Sleeping);
        }

        app.Time.Advance(TimeSpan.FromMinutes(1));
        var greet = await app.IngestAsync(new { name = "test/greet" });
        await app.WaitForRunOfEventAsync(greet[0], r => r.Status == RunStatus.Completed);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await app.GetJsonAsync("/api/v1/runs?function=sleepy&limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(seen.OrderByDescending(s => s, StringComparer.Ordinal), seen);
        var completed = await app.GetJsonAsync("/api/v1/runs?status=Completed,Failed");
        Assert.Equal(["greet"], completed.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("functionId").GetString()));
        var sleeping = await app.GetJsonAsync("/api/v1/runs?status=sleeping");
        Assert.Equal(5, sleeping.GetProperty("items").GetArrayLength());
        var late = await app.GetJsonAsync("/api/v1/runs?from=2026-01-01T00:00:30Z");
        Assert.Equal(["greet"], late.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("functionId").GetString()));
        var early = await app.GetJsonAsync("/api/v1/runs?to=2026-01-01T00:00:30Z");
        Assert.Equal(5, early.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/v1/runs?status=bogus", "unknown run status 'bogus'")]
    [InlineData("/api/v1/runs?status=7", "unknown run status '7'")]
    [InlineData("/api/v1/runs?limit=0", "'limit' must be")]
    [InlineData("/api/v1/runs?limit=1001", "'limit' must be")]
    [InlineData("/api/v1/runs?limit=ten", "'limit' must be")]
    [InlineData("/api/v1/runs?from=yesterday", "'from' is not an ISO 8601 time")]
    [InlineData("/api/v1/runs?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "'from' is after 'to'")]
    [InlineData("/api/v1/runs?cursor=%27%3B--", "is not a run cursor")]
    [InlineData("/api/v1/runs?function=a&function=b", "given 2 times")]
    [InlineData("/api/v1/events?cursor=abc", "is not an event cursor")]
    [InlineData("/api/v1/runs?text=", "", true)]
    [InlineData("/api/v1/events?to=soon", "'to' is not an ISO 8601 time")]
    public async Task List_InvalidFilter_Answers400WithMessage(string path, string message, bool valid = false)
    {
        if (valid)
        {
            // An empty value means "no filter", not an error.
            await using var ok = await ApiApp.StartAsync();
            Assert.Equal(JsonValueKind.Array, (await ok.GetJsonAsync(path)).GetProperty("items").ValueKind);
            Assert.Empty(message);
            return;
        }


        await using var app = await ApiApp.StartAsync();

        using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_TextFilter_FindsRunsByEventData()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/sleep", data = new { sku = "SKU-42_x" } }, new { name = "test/sleep", data = new { sku = "SKU-7" } });
        var wanted = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Sleeping);
        await app.WaitForRunOfEventAsync(ids[1], r => r.Status == RunStatus.Sleeping);

        var found = await app.GetJsonAsync("/api/v1/runs?text=sku-42_");
        var wildcard = await app.GetJsonAsync("/api/v1/runs?text=SKU-4%25");
        using var tooLong = await app.Http.GetAsync(new Uri("/api/v1/runs?text=" + new string('a', 201), UriKind.Relative));

        Assert.Equal([wanted.Id], found.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(0, wildcard.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task Events_ListShowsRunsEachStartedAndPagesByCursor()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/sleep" }, new { name = "nobody/listens" }, new { name = "test/sleep" });
        await app.WaitForRunOfEventAsync(ids[2], _ => true);

        var first = await app.GetJsonAsync("/api/v1/events?limit=2");
        var second = await app.GetJsonAsync("/api/v1/events?limit=2&cursor=" + Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!));
        var named = await app.GetJsonAsync("/api/v1/events?name=nobody/listens");

        var all = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).ToArray();
        Assert.Equal(ids.Reverse(), all.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal(1, all[0].GetProperty("runIds").GetArrayLength());
        Assert.Equal(0, all[1].GetProperty("runIds").GetArrayLength());
        Assert.Equal([ids[1]], named.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task OpenApi_DocumentListsTheEndpoints()
    {
        await using var app = await ApiApp.StartAsync();

        var document = await app.GetJsonAsync("/api/v1/openapi/baton.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/e/{eventKey}", paths);
        Assert.Contains("/api/v1/runs", paths);
        Assert.Contains("/api/v1/runs/{id}", paths);
        Assert.Contains("/api/v1/runs/bulk-replay", paths);
        Assert.Contains("/api/v1/functions/{id}/pause", paths);
        Assert.Contains("/api/v1/events", paths);
    }
}

public sealed class RunIdBoundTests
{
    [Fact]
    public void FirstIdAt_SortsBelowEveryRunIdOfThatMillisecondAndAboveEarlierOnes()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var bound = Endpoints.QueryParsing.FirstIdAt(at);

        Assert.Equal(26, bound.Length);
        Assert.True(string.CompareOrdinal(bound, Endpoints.QueryParsing.FirstIdAt(at.AddMilliseconds(-1))) > 0);
        Assert.True(string.CompareOrdinal(bound, Endpoints.QueryParsing.FirstIdAt(at.AddMilliseconds(1))) < 0);
        Assert.Equal(new string('0', 26), Endpoints.QueryParsing.FirstIdAt(DateTimeOffset.UnixEpoch));
    }
}

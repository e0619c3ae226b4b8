using System.Net;
using System.Text.Json;
using Baton.AspNetCore.Dashboard;

namespace Baton.Dashboard.Tests;

/// <summary>The dashboard's files come from the assembly, and its chart data from <c>GET /api/v1/stats</c>.</summary>
public sealed class DashboardServingTests
{
    [Fact]
    public async Task Dashboard_WithoutSlash_RedirectsToTheIndex()
    {
        await using var app = await DashboardApp.StartAsync();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = app.Address };

        using var response = await http.GetAsync(new Uri("/dashboard", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task EveryEmbeddedFile_IsServedWithItsType()
    {
        await using var app = await DashboardApp.StartAsync();
        var paths = DashboardAssets.Embedded.Paths.ToArray();
        Assert.Contains("index.html", paths);
        Assert.Contains("js/app.js", paths);

        foreach (var path in paths)
        {
            using var response = await app.Http.GetAsync(new Uri("/dashboard/" + path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var expected = Path.GetExtension(path) switch { ".html" => "text/html", ".js" => "text/javascript", ".css" => "text/css", _ => "?" };
            Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
        }

        var index = await app.Http.GetStringAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Contains("<script type=\"module\" src=\"js/app.js\">", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnchangedFile_AnswersNotModified()
    {
        await using var app = await DashboardApp.StartAsync();
        using var first = await app.Http.GetAsync(new Uri("/dashboard/js/app.js", UriKind.Relative));
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard/js/app.js", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task UnknownFile_Is404()
    {
        await using var app = await DashboardApp.StartAsync();
        using var response = await app.Http.GetAsync(new Uri("/dashboard/js/nope.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Stats_CountRunsOfTheFunctionInTheCurrentMinute()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "shop/charge" }, new { name = "shop/charge" });
        foreach (var id in ids)
        {
            await app.WaitForRunOfEventAsync(id, r => r.Status == RunStatus.Failed);
        }

        var stats = JsonDocument.Parse(await app.Http.GetStringAsync(new Uri("/api/v1/stats?function=charge&minutes=5", UriKind.Relative))).RootElement;

        var points = stats.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(5, points.Length);
        Assert.Equal(60_000, stats.GetProperty("bucketMs").GetInt32());
        Assert.True(points.Sum(p => p.GetProperty("failed").GetInt64()) >= 2);
        Assert.True(points.Sum(p => p.GetProperty("started").GetInt64()) >= 2);
        Assert.Contains(points, p => p.GetProperty("queueLagMaxMs").ValueKind == JsonValueKind.Number);
        Assert.True(points[0].GetProperty("at").GetDateTimeOffset() < points[4].GetProperty("at").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("minutes=0")]
    [InlineData("minutes=abc")]
    [InlineData("minutes=100000")]
    [InlineData("function=a&function=b")]
    public async Task Stats_BadQuery_Is400NamingIt(string query)
    {
        await using var app = await DashboardApp.StartAsync();
        using var response = await app.Http.GetAsync(new Uri("/api/v1/stats?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Contains(query.Split('=')[0], error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_FollowsTheApiKeyRule()
    {
        await using var app = await DashboardApp.StartAsync(o => o.ApiKeys.Add("k"));
        using var response = await app.Http.GetAsync(new Uri("/api/v1/stats", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

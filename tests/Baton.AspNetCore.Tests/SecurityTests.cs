using System.Net;
using Baton.AspNetCore.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.AspNetCore.Tests;

public sealed class SecurityTests
{
    [Fact]
    public async Task Ingest_EventKeysConfigured_WrongKeyIs401AndStoresNothing()
    {
        await using var app = await ApiApp.StartAsync(o => o.EventKeys.Add("s3cret"));
        var before = await app.SnapshotAsync();

        using var wrong = await app.PostRawAsync("/e/guess", """{"name":"test/sleep"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("unknown event key", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());

        using var right = await app.PostRawAsync("/e/s3cret", """{"name":"test/sleep"}""");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task Api_ApiKeysConfigured_MissingOrWrongKeyIs401_RightKeyIsServed()
    {
        await using var app = await ApiApp.StartAsync(o => o.ApiKeys.Add("k1"));

        using var missing = await app.Http.GetAsync(new Uri("/api/v1/runs", UriKind.Relative));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/runs", UriKind.Relative)) { Headers = { { "Authorization", "Bearer nope" } } };
        using var wrongResponse = await app.Http.SendAsync(wrong);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/runs", UriKind.Relative)) { Headers = { { "Authorization", "Bearer k1" } } };
        using var bearerResponse = await app.Http.SendAsync(bearer);
        using var header = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative)) { Headers = { { "X-Baton-Api-Key", "k1" } } };
        using var headerResponse = await app.Http.SendAsync(header);
        using var metricsMissing = await app.Http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("an API key is required", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Contains("invalid API key", await wrongResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, bearerResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, headerResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, metricsMissing.StatusCode);
    }

    [Fact]
    public async Task Api_ApiKeysConfigured_WrongKeyOnActionChangesNothing()
    {
        await using var app = await ApiApp.StartAsync(o => o.ApiKeys.Add("k1"));
        var ids = await app.IngestAsync(new { name = "test/sleep" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Sleeping);
        var before = await app.SnapshotAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/runs/{run.Id}/cancel", UriKind.Relative)) { Headers = { { "X-Baton-Api-Key", "k2" } } };
        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task ReadOnly_ActionsAre403AndChangeNothing_ReadsWork()
    {
        await using var app = await ApiApp.StartAsync(o => o.ReadOnly = true);
        var ids = await app.IngestAsync(new { name = "test/sleep" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Sleeping);
        var before = await app.SnapshotAsync();

        using var cancel = await app.PostRawAsync($"/api/v1/runs/{run.Id}/cancel", "");
        using var bulk = await app.PostRawAsync("/api/v1/runs/bulk-cancel", """{"functionId":"sleepy"}""");
        using var pause = await app.PostRawAsync("/api/v1/functions/sleepy/pause", "");

        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
        Assert.Contains("read-only", await cancel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, bulk.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pause.StatusCode);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Null((await app.Services.GetRequiredService<IBatonOperations>().GetFunctionAsync("sleepy"))!.PausedAt);
        Assert.Equal(1, (await app.GetJsonAsync("/api/v1/runs")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task RemoteClient_DefaultOptions_IsRefused()
    {
        var options = new BatonApiOptions();
        var context = Remote();

        Assert.Equal(StatusCodes.Status403Forbidden, await StatusOf(AccessFilters.CheckIngest(context, options, "any")));
        Assert.Equal(StatusCodes.Status403Forbidden, await StatusOf(await AccessFilters.CheckApiAsync(context, options)));
    }

    [Fact]
    public async Task RemoteClient_RemoteAllowed_NeedsKeys()
    {
        var open = new BatonApiOptions { AllowRemoteAccess = true };
        var keyed = new BatonApiOptions { AllowRemoteAccess = true };
        keyed.EventKeys.Add("ek");
        keyed.ApiKeys.Add("ak");
        var withKey = Remote();
        withKey.Request.Headers["X-Baton-Api-Key"] = "ak";

        Assert.Equal(StatusCodes.Status401Unauthorized, await StatusOf(AccessFilters.CheckIngest(Remote(), open, "any")));
        Assert.Equal(StatusCodes.Status401Unauthorized, await StatusOf(await AccessFilters.CheckApiAsync(Remote(), open)));
        Assert.Null(AccessFilters.CheckIngest(Remote(), keyed, "ek"));
        Assert.Null(await AccessFilters.CheckApiAsync(withKey, keyed));
        Assert.Equal(StatusCodes.Status401Unauthorized, await StatusOf(await AccessFilters.CheckApiAsync(Remote(), keyed)));
    }

    [Fact]
    public void Options_Invalid_ThrowArgumentExceptionNamingTheSetting()
    {
        Assert.Equal("MaxBatchSize", Assert.Throws<ArgumentException>(() => new BatonApiOptions { MaxBatchSize = 0 }.Validate()).ParamName);
        Assert.Equal("ReplaysPerSecond", Assert.Throws<ArgumentException>(() => new BatonApiOptions { ReplaysPerSecond = double.NaN }.Validate()).ParamName);
        var keys = new BatonApiOptions();
        keys.ApiKeys.Add(" ");
        Assert.Equal("ApiKeys", Assert.Throws<ArgumentException>(keys.Validate).ParamName);
        var alerts = new BatonApiOptions();
        alerts.Alerts.Add(new Alerts.AlertRule(new Uri("/relative", UriKind.Relative)));
        Assert.Equal("WebhookUrl", Assert.Throws<ArgumentException>(alerts.Validate).ParamName);
    }

    private static DefaultHttpContext Remote()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        return context;
    }

    private static async Task<int> StatusOf(IResult? result)
    {
        Assert.NotNull(result);
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        await result.ExecuteAsync(context);
        return context.Response.StatusCode;
    }
}

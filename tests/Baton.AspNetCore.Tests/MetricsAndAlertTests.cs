using System.Text.Json;
using System.Threading.Channels;
using Baton.AspNetCore.Alerts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.AspNetCore.Tests;

/// <summary>Baton's meter is process-wide, so the metrics tests run alone: no other test's runs count into them.</summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

[Collection(nameof(MetricsCollection))]
public sealed class MetricsAndAlertTests
{
    [Fact]
    public async Task Metrics_AfterRuns_ShowsCountersPerFunctionInPrometheusFormat()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/greet" }, new { name = "test/greet" }, new { name = "test/fail" });
        foreach (var id in ids)
        {
            await app.WaitForRunOfEventAsync(id, r => r.FinishedAt is not null);
        }

        using var response = await app.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE baton_runs_completed counter", text, StringComparison.Ordinal);
        Assert.Contains("baton_runs_completed_total{baton_function=\"greet\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("baton_runs_failed_total{baton_function=\"fail\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE baton_step_duration_ms histogram", text, StringComparison.Ordinal);
        Assert.Contains("baton_step_duration_ms_count{baton_function=\"greet\",baton_step_kind=\"Run\"} 4\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_AnyFailure_PostsToWebhookOncePerCooldown()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        await using var app = await ApiApp.StartAsync(o => o.Alerts.Add(new AlertRule(hook.Url) { FunctionId = "fail", Cooldown = TimeSpan.FromMinutes(10) }));

        var first = await FailAsync(app);
        var message = await hook.NextAsync();
        await FailAsync(app);
        await app.IngestAsync(new { name = "test/greet" });
        app.Time.Advance(TimeSpan.FromMinutes(11));
        var third = await FailAsync(app);
        var next = await hook.NextAsync();

        Assert.Equal("fail", message.GetProperty("functionId").GetString());
        Assert.Equal(first, message.GetProperty("runId").GetString());
        Assert.Equal("any-failure", message.GetProperty("rule").GetString());
        Assert.Equal("boom", message.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(third, next.GetProperty("runId").GetString());
        Assert.False(hook.HasMore);
    }

    [Fact]
    public async Task Alert_FailureRate_FiresOnlyWhenRateAndMinimumAreReached()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        await using var app = await ApiApp.StartAsync(o => o.Alerts.Add(new AlertRule(hook.Url) { FailureRateAbove = 0.5, MinRuns = 3, Window = TimeSpan.FromMinutes(5) }));

        await FlakyAsync(app, fail: true);
        await FlakyAsync(app, fail: true);
        await FlakyAsync(app, fail: false);
        await FlakyAsync(app, fail: false);
        await FlakyAsync(app, fail: false);
        await FailAsync(app);

        // Judged per function: 3 of 6 flaky runs is not over 50 %; 4 of 7 is. Alerts are posted in order, so the first one
        // received tells which run tripped the rule.
        var atHalf = await FlakyAsync(app, fail: true);
        var over = await FlakyAsync(app, fail: true);
        var message = await hook.NextAsync();

        Assert.NotEqual(atHalf, message.GetProperty("runId").GetString());
        Assert.Equal(over, message.GetProperty("runId").GetString());
        Assert.Equal("flaky", message.GetProperty("functionId").GetString());
        Assert.Equal("failure-rate", message.GetProperty("rule").GetString());
        Assert.Equal(4, message.GetProperty("failedRuns").GetInt32());
        Assert.Equal(7, message.GetProperty("finishedRuns").GetInt32());
    }

    private static async Task<string> FailAsync(ApiApp app)
    {
        var ids = await app.IngestAsync(new { name = "test/fail" });
        return (await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Failed)).Id;
    }

    private static async Task<string> FlakyAsync(ApiApp app, bool fail)
    {
        var ids = await app.IngestAsync(new { name = "test/flaky", data = new { fail } });
        return (await app.WaitForRunOfEventAsync(ids[0], r => r.FinishedAt is not null)).Id;
    }

    /// <summary>A loopback HTTP endpoint that records the JSON bodies posted to it.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Channel<JsonElement> _received;

        private WebhookReceiver(WebApplication app, Channel<JsonElement> received, Uri url)
        {
            _app = app;
            _received = received;
            Url = url;
        }

        public Uri Url { get; }

        public bool HasMore => _received.Reader.TryPeek(out _);

        public static async Task<WebhookReceiver> StartAsync()
        {
            var received = Channel.CreateUnbounded<JsonElement>();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapPost("/hook", async (HttpContext context) =>
            {
                using var document = await JsonDocument.ParseAsync(context.Request.Body);
                received.Writer.TryWrite(document.RootElement.Clone());
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new WebhookReceiver(app, received, new Uri(new Uri(address), "/hook"));
        }

        public async Task<JsonElement> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await _received.Reader.ReadAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

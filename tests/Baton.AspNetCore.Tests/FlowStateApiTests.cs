using System.Text.Json;

namespace Baton.AspNetCore.Tests;

public sealed class FlowStateApiTests
{
    [Fact]
    public async Task Function_WithConcurrencyKey_ShowsItsRuleAndLiveCountsPerKey()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await ApiApp.StartAsync(baton: b => b.AddFunction<JsonElement>(
            "gated",
            f => f.OnEvent("test/gated").Concurrency(1, key: "event.data.shop"),
            async ctx => await ctx.Step.Run("work", async () =>
            {
                started.TrySetResult();
                await release.Task;
            })));

        var ids = await app.IngestAsync(new { name = "test/gated", data = new { shop = "EBAY_GB" } }, new { name = "test/gated", data = new { shop = "EBAY_GB" } });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var gated = (await app.GetJsonAsync("/api/v1/functions/gated")).GetProperty("flow");
        var listed = (await app.GetJsonAsync("/api/v1/functions")).GetProperty("items").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "gated").GetProperty("flow");
        release.SetResult();
        await app.WaitForRunOfEventAsync(ids[1], r => r.Status == RunStatus.Completed);

        var rule = gated.GetProperty("concurrency")[0];
        Assert.Equal(1, rule.GetProperty("limit").GetInt32());
        Assert.Equal("event.data.shop", rule.GetProperty("key").GetString());
        var key = gated.GetProperty("keys").EnumerateArray().Single();
        Assert.Equal((1, 1), (key.GetProperty("running").GetInt32(), key.GetProperty("queued").GetInt32()));
        Assert.Equal(gated.GetProperty("keys").GetRawText(), listed.GetProperty("keys").GetRawText());
        Assert.False((await app.GetJsonAsync("/api/v1/functions/greet")).GetProperty("flow").TryGetProperty("keys", out _));
    }

    [Fact]
    public async Task Resources_ListEveryDeclaredBudget()
    {
        await using var app = await ApiApp.StartAsync(baton: b => b.AddResource("ebay:EBAY_GB", r => r.PerSecond(5, burst: 2).Quota(5000, TimeSpan.FromDays(1))));

        var resources = (await app.GetJsonAsync("/api/v1/resources")).EnumerateArray().ToArray();

        var ebay = Assert.Single(resources);
        Assert.Equal("ebay:EBAY_GB", ebay.GetProperty("name").GetString());
        Assert.Equal(5000, ebay.GetProperty("quotaLimit").GetInt64());
        Assert.Equal(5000, ebay.GetProperty("quotaRemaining").GetInt64());
    }
}

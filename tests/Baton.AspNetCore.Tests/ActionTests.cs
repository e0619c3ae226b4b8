using System.Net;
using System.Text.Json;
using Baton.AspNetCore.Replay;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.AspNetCore.Tests;

public sealed class ActionTests
{
    [Fact]
    public async Task CancelRun_SleepingRun_IsCancelledThenSecondCancelIs409()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/sleep" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Sleeping);

        using var first = await app.PostRawAsync($"/api/v1/runs/{run.Id}/cancel", """{"reason":"operator said so"}""");
        using var second = await app.PostRawAsync($"/api/v1/runs/{run.Id}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("already finished", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = await app.Inspector.GetRunAsync(run.Id);
        Assert.Equal(RunStatus.Cancelled, stored!.Status);
        Assert.Equal("operator said so", stored.CancelReason);
    }

    [Theory]
    [InlineData("/api/v1/runs/01UNKNOWN/cancel", "", HttpStatusCode.NotFound, "01UNKNOWN")]
    [InlineData("/api/v1/runs/01UNKNOWN/replay", "", HttpStatusCode.NotFound, "01UNKNOWN")]
    [InlineData("/api/v1/functions/nope/pause", "", HttpStatusCode.NotFound, "'nope'")]
    [InlineData("/api/v1/functions/nope/resume", "", HttpStatusCode.NotFound, "'nope'")]
    [InlineData("/api/v1/functions/greet/resume?replay=maybe", "", HttpStatusCode.BadRequest, "'replay' must be true or false")]
    [InlineData("/api/v1/runs/bulk-cancel", "", HttpStatusCode.BadRequest, "a JSON body is required")]
    [InlineData("/api/v1/runs/bulk-cancel", "{}", HttpStatusCode.BadRequest, "at least one filter")]
    [InlineData("/api/v1/runs/bulk-cancel", "{\"functionId\":", HttpStatusCode.BadRequest, "malformed or mistyped JSON")]
    [InlineData("/api/v1/runs/bulk-cancel", "{\"functionId\":5}", HttpStatusCode.BadRequest, "malformed or mistyped JSON")]
    [InlineData("/api/v1/runs/bulk-cancel", "{\"function\":\"sleepy\"}", HttpStatusCode.BadRequest, "malformed or mistyped JSON")]
    [InlineData("/api/v1/runs/bulk-cancel", "{\"statuses\":[\"Done\"]}", HttpStatusCode.BadRequest, "unknown run status 'Done'")]
    [InlineData("/api/v1/runs/bulk-cancel", "{\"statuses\":[\"Completed\"]}", HttpStatusCode.BadRequest, "finished runs cannot be cancelled")]
    [InlineData("/api/v1/runs/bulk-cancel", "{\"from\":\"2026-02-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}", HttpStatusCode.BadRequest, "'from' is after 'to'")]
    [InlineData("/api/v1/runs/bulk-replay", "{\"functionId\":\"nope\"}", HttpStatusCode.NotFound, "no function 'nope'")]
    [InlineData("/api/v1/runs/bulk-replay", "[]", HttpStatusCode.BadRequest, "malformed or mistyped JSON")]
    public async Task Action_BadRequest_Answers4xxAndChangesNothing(string path, string body, HttpStatusCode status, string message)
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/sleep" }, new { name = "test/greet" });
        await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Sleeping);
        await app.WaitForRunOfEventAsync(ids[1], r => r.Status == RunStatus.Completed);
        var before = await app.SnapshotAsync();

        using var response = await app.PostRawAsync(path, body);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Null((await app.Services.GetRequiredService<IBatonOperations>().GetFunctionAsync("greet"))!.PausedAt);
    }

    [Fact]
    public async Task BulkCancel_ByFunction_CancelsOnlyItsUnfinishedRuns()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/sleep" }, new { name = "test/sleep" }, new { name = "test/sleep" }, new { name = "test/greet" });
        var sleepers = new List<string>();
        foreach (var id in ids[..3])
        {
            sleepers.Add((await app.WaitForRunOfEventAsync(id, r => r.Status == RunStatus.Sleeping)).Id);
        }

        var greet = await app.WaitForRunOfEventAsync(ids[3], r => r.Status == RunStatus.Completed);

        using var response = await app.PostRawAsync("/api/v1/runs/bulk-cancel", """{"functionId":"sleepy","reason":"bad deploy"}""");
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, result.GetProperty("matched").GetInt32());
        Assert.Equal(3, result.GetProperty("cancelled").GetInt32());
        foreach (var id in sleepers)
        {
            var run = await app.Inspector.GetRunAsync(id);
            Assert.Equal(RunStatus.Cancelled, run!.Status);
            Assert.Equal("bad deploy", run.CancelReason);
        }

        Assert.Equal(RunStatus.Completed, (await app.Inspector.GetRunAsync(greet.Id))!.Status);
    }

    [Fact]
    public async Task BulkCancel_ByTimeRange_CancelsOnlyRunsCreatedInIt()
    {
        await using var app = await ApiApp.StartAsync();
        var early = await app.IngestAsync(new { name = "test/sleep" });
        var earlyRun = await app.WaitForRunOfEventAsync(early[0], r => r.Status == RunStatus.Sleeping);
        app.Time.Advance(TimeSpan.FromMinutes(10));
        var late = await app.IngestAsync(new { name = "test/sleep" });
        var lateRun = await app.WaitForRunOfEventAsync(late[0], r => r.Status == RunStatus.Sleeping);

        using var response = await app.PostRawAsync("/api/v1/runs/bulk-cancel", """{"from":"2026-01-01T00:05:00Z","statuses":["Sleeping"]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(RunStatus.Sleeping, (await app.Inspector.GetRunAsync(earlyRun.Id))!.Status);
        Assert.Equal(RunStatus.Cancelled, (await app.Inspector.GetRunAsync(lateRun.Id))!.Status);
    }

    [Fact]
    public async Task BulkCancel_MoreRunsThanLimit_Answers400AndCancelsNothing()
    {
        await using var app = await ApiApp.StartAsync(o => o.MaxBulkRuns = 2);
        var ids = await app.IngestAsync(new { name = "test/sleep" }, new { name = "test/sleep" }, new { name = "test/sleep" });
        foreach (var id in ids)
        {
            await app.WaitForRunOfEventAsync(id, r => r.Status == RunStatus.Sleeping);
        }

        var before = await app.SnapshotAsync();

        using var response = await app.PostRawAsync("/api/v1/runs/bulk-cancel", """{"functionId":"sleepy"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than 2 runs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task ReplayRun_StartsNewRunWithSameEvent()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/greet", data = new { name = "cy" } });
        var original = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Completed);

        using var response = await app.PostRawAsync($"/api/v1/runs/{original.Id}/replay", "");
        var newRunId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("newRunId").GetString()!;
        var replayed = await app.WaitForFinishAsync(newRunId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(original.Id, newRunId);
        Assert.Equal("greet", replayed.FunctionId);
        Assert.Equal(original.Output, replayed.Output);
        Assert.StartsWith("replay-", replayed.EventId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkReplay_FailedRuns_AreReplayedSpreadOverTime()
    {
        await using var app = await ApiApp.StartAsync(o => o.ReplaysPerSecond = 1);
        var ids = await app.IngestAsync(new { name = "test/fail" }, new { name = "test/fail" }, new { name = "test/fail" }, new { name = "test/greet" });
        foreach (var id in ids)
        {
            await app.WaitForRunOfEventAsync(id, r => r.FinishedAt is not null);
        }

        var created = new List<string>();
        var signal = new SemaphoreSlim(0);
        using var subscription = app.Changes.Subscribe(c =>
        {
            if (c is RunChange { Status: RunStatus.Queued, FunctionId: "fail" } q)
            {
                lock (created)
                {
                    created.Add(q.RunId);
                }

                signal.Release();
            }
        });

        using var response = await app.PostRawAsync("/api/v1/runs/bulk-replay", """{"functionId":"fail","statuses":["Failed"]}""");
        var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, job.GetProperty("total").GetInt32());
        var jobId = job.GetProperty("id").GetString()!;

        // The first replay starts at once; each next one only when a second has passed on the (fake) clock.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await signal.WaitAsync(timeout.Token);
        Assert.Single(created);
        app.Advance(TimeSpan.FromSeconds(1));
        await signal.WaitAsync(timeout.Token);
        Assert.Equal(2, created.Count);
        app.Advance(TimeSpan.FromSeconds(1));
        var replayRun = await app.WaitForFinishAsync(jobId);

        var view = await app.GetJsonAsync("/api/v1/replays/" + jobId);
        Assert.Equal(("baton/bulk-replay", RunStatus.Completed), (replayRun.FunctionId, replayRun.Status));
        Assert.Equal(new RunProgress(3, 3, "3 replayed, 0 refused", replayRun.FinishedAt!.Value), replayRun.Progress);
        Assert.True(view.GetProperty("done").GetBoolean());
        Assert.Equal(3, view.GetProperty("started").GetInt32());
        Assert.Equal(created, view.GetProperty("newRunIds").EnumerateArray().Select(e => e.GetString()));
        var runs = await app.Inspector.ListRunsAsync(new RunQuery { FunctionId = "fail" });
        Assert.Equal(6, runs.Items.Count);
        Assert.Single((await app.Inspector.ListRunsAsync(new RunQuery { FunctionId = "greet" })).Items);
    }

    [Fact]
    public async Task PauseResume_EventsWhilePausedStartNoRunUntilResumedWithReplay()
    {
        await using var app = await ApiApp.StartAsync();

        using var pause = await app.PostRawAsync("/api/v1/functions/greet/pause", "");
        var paused = await app.GetJsonAsync("/api/v1/functions/greet");
        var ids = await app.IngestAsync(new { name = "test/greet", data = new { name = "dee" } }, new { name = "test/sleep" });
        await app.WaitForRunOfEventAsync(ids[1], r => r.Status == RunStatus.Sleeping);
        var events = await app.GetJsonAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.Empty((await app.Inspector.ListRunsAsync(new RunQuery { FunctionId = "greet" })).Items);
        var skipped = events.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetString() == ids[0]);
        Assert.Equal(0, skipped.GetProperty("runIds").GetArrayLength());
        Assert.Equal("greet", skipped.GetProperty("skips")[0].GetProperty("functionId").GetString());
        Assert.Equal("function paused", skipped.GetProperty("skips")[0].GetProperty("reason").GetString());

        using var resume = await app.PostRawAsync("/api/v1/functions/greet/resume?replay=true", "");
        var result = JsonDocument.Parse(await resume.Content.ReadAsStringAsync()).RootElement;
        var replayed = result.GetProperty("replayedRunIds").EnumerateArray().Select(e => e.GetString()!).Single();
        var run = await app.WaitForFinishAsync(replayed);

        Assert.True(result.GetProperty("changed").GetBoolean());
        Assert.Equal("\"hello dee 2\"", run.Output);
        Assert.False((await app.GetJsonAsync("/api/v1/functions/greet")).GetProperty("paused").GetBoolean());
        var after = await app.IngestAsync(new { name = "test/greet" });
        await app.WaitForRunOfEventAsync(after[0], r => r.Status == RunStatus.Completed);
    }

    [Fact]
    public async Task Resume_WithoutReplay_LeavesSkippedEventsAlone()
    {
        await using var app = await ApiApp.StartAsync();
        await app.PostRawAsync("/api/v1/functions/greet/pause", "");
        await app.IngestAsync(new { name = "test/greet" });

        using var resume = await app.PostRawAsync("/api/v1/functions/greet/resume", "");

        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        Assert.Empty((await app.Inspector.ListRunsAsync(new RunQuery { FunctionId = "greet" })).Items);
    }

    [Fact]
    public async Task ReplayRun_FunctionPaused_Answers409AndStartsNothing()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/greet" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Completed);
        await app.PostRawAsync("/api/v1/functions/greet/pause", "");
        var before = await app.SnapshotAsync();

        using var response = await app.PostRawAsync($"/api/v1/runs/{run.Id}/replay", "");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("paused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }
}

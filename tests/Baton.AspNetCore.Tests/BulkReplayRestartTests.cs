namespace Baton.AspNetCore.Tests;

/// <summary>A bulk replay is a durable run: it survives a restart of the app that started it.</summary>
public sealed class BulkReplayRestartTests
{
    [Fact]
    public async Task BulkReplay_InterruptedByARestart_FinishesWithEveryRunReplayedOnce()
    {
        var database = ApiApp.NewDatabasePath();
        try
        {
            string[] failed;
            string jobId;
            await using (var first = await ApiApp.StartAsync(o => o.ReplaysPerSecond = 1, database: database))
            {
                var ids = await first.IngestAsync(new { name = "test/fail" }, new { name = "test/fail" }, new { name = "test/fail" }, new { name = "test/fail" });
                failed = new string[ids.Length];
                for (var i = 0; i < ids.Length; i++)
                {
                    failed[i] = (await first.WaitForRunOfEventAsync(ids[i], r => r.Status == RunStatus.Failed)).Id;
                }

                using var response = await first.PostRawAsync("/api/v1/runs/bulk-replay", """{"functionId":"fail","statuses":["Failed"]}""");
                Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
                jobId = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

                // One run a second: the first page at once, the second after a second; then the app stops mid-way.
                await first.WaitForRunAsync(jobId, r => r.Status == RunStatus.Sleeping);
                first.Advance(TimeSpan.FromSeconds(1));
                await first.WaitForRunAsync(jobId, r => r.Status == RunStatus.Sleeping && r.StepCount == 4);
            }

            await using var second = await ApiApp.StartAsync(o => o.ReplaysPerSecond = 1, database: database);
            var halfway = await second.GetJsonAsync("/api/v1/replays/" + jobId);
            Assert.Equal((4, 2, false), (halfway.GetProperty("total").GetInt32(), halfway.GetProperty("started").GetInt32(), halfway.GetProperty("done").GetBoolean()));

            while ((await second.Inspector.GetRunAsync(jobId))!.DueAt is { } due)
            {
                second.Advance(due > second.Time.GetUtcNow() ? due - second.Time.GetUtcNow() : TimeSpan.Zero);
                var now = second.Time.GetUtcNow();
                await second.WaitForRunAsync(jobId, r => r.FinishedAt is not null || (r.Status == RunStatus.Sleeping && r.DueAt > now));
            }

            var job = await second.GetJsonAsync("/api/v1/replays/" + jobId);
            var newRunIds = job.GetProperty("newRunIds").EnumerateArray().Select(e => e.GetString()!).ToArray();
            Assert.True(job.GetProperty("done").GetBoolean());
            Assert.Equal(4, job.GetProperty("started").GetInt32());
            Assert.Empty(job.GetProperty("failed").EnumerateArray());
            Assert.Equal(4, newRunIds.Distinct().Count());

            // Every failed run was replayed exactly once, oldest first: one replay event per run, named after the job and the run.
            var runs = await second.Inspector.ListRunsAsync(new RunQuery { FunctionId = "fail", Limit = 100 });
            Assert.Equal(8, runs.Items.Count);
            var replays = runs.Items.Where(r => !failed.Contains(r.Id)).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
            Assert.Equal(newRunIds, replays.Select(r => r.Id));
            Assert.Equal(failed.Select(id => $"replay-{jobId}-{id}"), replays.Select(r => r.EventId));
        }
        finally
        {
            ApiApp.DeleteDatabase(database);
        }
    }
}

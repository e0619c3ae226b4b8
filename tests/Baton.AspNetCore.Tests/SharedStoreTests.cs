using System.Text.Json;

namespace Baton.AspNetCore.Tests;

/// <summary>Charts and the live stream come from the store: one app serves what another app (another node) did.</summary>
public sealed class SharedStoreTests
{
    [Fact]
    public async Task Stats_RunsOfAnotherAppBeforeARestart_AreServed()
    {
        var database = ApiApp.NewDatabasePath();
        using var cleanup = new DeleteOnDispose(database);
        await using (var worker = await ApiApp.StartAsync(database: database))
        {
            var ids = await worker.IngestAsync(new { name = "test/greet" }, new { name = "test/fail" });
            await worker.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Completed);
            await worker.WaitForRunOfEventAsync(ids[1], r => r.Status == RunStatus.Failed);
        }

        await using var reader = await ApiApp.StartAsync(baton: b => b.Configure(o => o.RunWorker = false), database: database);
        var stats = await reader.GetJsonAsync("/api/v1/stats?minutes=60");
        var points = stats.GetProperty("points").EnumerateArray().ToArray();

        Assert.Equal(60, points.Length);
        Assert.Equal(60_000, stats.GetProperty("bucketMs").GetInt32());
        Assert.Equal(ApiApp.Start.AddMinutes(-59), stats.GetProperty("since").GetDateTimeOffset());
        var now = points[^1];
        Assert.Equal(ApiApp.Start, now.GetProperty("at").GetDateTimeOffset());
        Assert.Equal((2, 1, 1, 0), (now.GetProperty("started").GetInt64(), now.GetProperty("completed").GetInt64(), now.GetProperty("failed").GetInt64(), now.GetProperty("cancelled").GetInt64()));
        Assert.Equal(0, now.GetProperty("queueLagMaxMs").GetDouble());
        Assert.All(points[..^1], p => Assert.Equal(0, p.GetProperty("started").GetInt64() + p.GetProperty("completed").GetInt64() + p.GetProperty("failed").GetInt64()));
    }

    [Theory]
    [InlineData(360, 300_000, 72)]
    [InlineData(1440, 900_000, 96)]
    [InlineData(10080, 7_200_000, 84)]
    public async Task Stats_LongerWindows_UseWiderBuckets(int minutes, int bucketMs, int count)
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/greet" });
        await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Completed);

        var stats = await app.GetJsonAsync($"/api/v1/stats?minutes={minutes}");
        var points = stats.GetProperty("points").EnumerateArray().ToArray();

        Assert.Equal(bucketMs, stats.GetProperty("bucketMs").GetInt32());
        Assert.Equal(count, points.Length);
        Assert.Equal(1, points[^1].GetProperty("completed").GetInt64());
        Assert.True(points[^1].GetProperty("at").GetDateTimeOffset() <= ApiApp.Start);
    }

    [Fact]
    public async Task Stream_RunExecutedByAnotherApp_ClientSeesEachStepInOrder()
    {
        var database = ApiApp.NewDatabasePath();
        using var cleanup = new DeleteOnDispose(database);
        await using var a = await ApiApp.StartAsync(baton: b => b.Configure(o => o.RunWorker = false), database: database);
        await using var b = await ApiApp.StartAsync(database: database);
        using var response = await a.Http.GetAsync(new Uri("/api/v1/stream?function=greet", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());

        var ids = await b.IngestAsync(new { name = "test/greet" });
        var run = await b.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Completed);

        // Nothing of this reached app A's process; its stream finds it in the store at its next poll (SQLite sends no
        // notifications between processes).
        a.Time.Advance(TimeSpan.FromSeconds(1));
        var frames = new List<(string Event, JsonElement Data)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!frames.Any(f => f.Event == "run" && f.Data.GetProperty("status").GetString() == "Completed"))
        {
            frames.Add(await StreamTests.ReadFrameAsync(reader, timeout.Token));
        }

        var sequence = frames.Select(f => f.Event + ":" + (f.Event == "step" ? f.Data.GetProperty("stepId").GetString() + "=" : "") + f.Data.GetProperty("status").GetString()).ToArray();
        // A run leased at ingest is created Running; otherwise it is created Queued and then claimed.
        Assert.Contains(sequence[0], new[] { "run:Queued", "run:Running" });
        Assert.Equal(["run:Running", "step:a=Completed", "step:b=Completed", "run:Completed"], sequence.SkipWhile(s => s == "run:Queued"));
        Assert.All(frames, f => Assert.Equal(run.Id, f.Data.GetProperty("runId").GetString()));
    }

    private sealed class DeleteOnDispose(string database) : IDisposable
    {
        public void Dispose() => ApiApp.DeleteDatabase(database);
    }
}

using System.Text.Json;

namespace Baton.AspNetCore.Tests;

public sealed class StreamTests
{
    [Fact]
    public async Task Stream_ClientSeesEachStepOfRunInOrder()
    {
        await using var app = await ApiApp.StartAsync();
        using var response = await app.Http.GetAsync(new Uri("/api/v1/stream?function=greet", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());

        await app.IngestAsync(new { name = "test/sleep" }, new { name = "test/greet" });
        var frames = new List<(string Event, JsonElement Data)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!frames.Any(f => f.Event == "run" && f.Data.GetProperty("status").GetString() == "Completed"))
        {
            frames.Add(await ReadFrameAsync(reader, timeout.Token));
        }

        Assert.All(frames, f => Assert.NotEqual("sleepy", f.Data.TryGetProperty("functionId", out var fn) ? fn.GetString() : null));
        var sequence = frames.Select(f => f.Event + ":" + (f.Event == "step" ? f.Data.GetProperty("stepId").GetString() + "=" : "") + f.Data.GetProperty("status").GetString()).ToArray();
        // A run leased at ingest is created Running; otherwise it is created Queued and then claimed.
        Assert.Contains(sequence[0], new[] { "run:Queued", "run:Running" });
        Assert.Equal(["run:Running", "step:a=Completed", "step:b=Completed", "run:Completed"], sequence.SkipWhile(s => s == "run:Queued"));
        Assert.Single(frames.Select(f => f.Data.GetProperty("runId").GetString()).Distinct());
    }

    [Fact]
    public async Task Stream_RunFilter_ShowsOnlyThatRun()
    {
        await using var app = await ApiApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/sleep" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Sleeping);
        using var response = await app.Http.GetAsync(new Uri("/api/v1/stream?run=" + run.Id, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());

        await app.IngestAsync(new { name = "test/greet" });
        await app.Client.CancelRunAsync(run.Id, "stop");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var frame = await ReadFrameAsync(reader, timeout.Token);

        Assert.Equal("run", frame.Event);
        Assert.Equal(run.Id, frame.Data.GetProperty("runId").GetString());
        Assert.Equal("Cancelled", frame.Data.GetProperty("status").GetString());
    }

    internal static async Task<(string Event, JsonElement Data)> ReadFrameAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        JsonElement? data = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException();
            if (line.Length == 0)
            {
                if (name is not null && data is not null)
                {
                    return (name, data.Value);
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }
    }
}

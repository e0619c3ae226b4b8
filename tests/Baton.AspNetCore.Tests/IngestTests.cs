using System.Net;
using System.Text.Json;

namespace Baton.AspNetCore.Tests;

public sealed class IngestTests
{
    [Fact]
    public async Task Ingest_OneEvent_AnswersIdsAndStartsRun()
    {
        await using var app = await ApiApp.StartAsync();

        using var response = await app.PostRawAsync("/e/any", """{"name":"test/greet","data":{"name":"ada"},"id":"evt-1"}""");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["evt-1"], body.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(200, body.GetProperty("status").GetInt32());
        var run = await app.WaitForRunOfEventAsync("evt-1", r => r.Status == RunStatus.Completed);
        Assert.Equal("\"hello ada 2\"", run.Output);
    }

    [Fact]
    public async Task Ingest_Batch_ReturnsIdsInOrderAndDuplicateIdIsNotProcessedAgain()
    {
        await using var app = await ApiApp.StartAsync();

        var first = await app.IngestAsync(new { name = "test/sleep", id = "dup" }, new { name = "test/sleep", ts = 1767225600000 });
        var again = await app.IngestAsync(new { name = "test/sleep", id = "dup" });

        Assert.Equal(2, first.Length);
        Assert.Equal("dup", first[0]);
        Assert.Equal(["dup"], again);
        var events = await app.Inspector.ListEventsAsync(new EventQuery());
        Assert.Equal(2, events.Items.Count);
        Assert.Equal(ApiApp.Start.AddDays(0).ToUnixTimeMilliseconds(), events.Items.Single(e => e.Event.Id == first[1]).Event.Timestamp.ToUnixTimeMilliseconds());
        var runs = await app.Inspector.ListRunsAsync(new RunQuery { FunctionId = "sleepy" });
        Assert.Equal(2, runs.Items.Count);
    }

    [Theory]
    [InlineData("{\"name\":", "malformed JSON")]
    [InlineData("", "empty")]
    [InlineData("42", "expected an event object or an array")]
    [InlineData("[]", "the batch is empty")]
    [InlineData("{\"data\":{}}", "'name' is required")]
    [InlineData("{\"name\":5}", "'name' must be a string")]
    [InlineData("{\"name\":\"test/greet\",\"data\":[1]}", "'data' must be an object")]
    [InlineData("{\"name\":\"test/greet\",\"id\":7}", "'id' must be a string")]
    [InlineData("{\"name\":\"test/greet\",\"ts\":\"yesterday\"}", "'ts' must be")]
    [InlineData("[{\"name\":\"test/greet\"},\"x\"]", "event #1: expected an object")]
    [InlineData("{\"name\":\"\"}", "event name must not be empty")]
    public async Task Ingest_BadBody_Answers400WithMessageAndStoresNothing(string body, string message)
    {
        await using var app = await ApiApp.StartAsync();
        var before = await app.SnapshotAsync();

        using var response = await app.PostRawAsync("/e/any", body);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Ingest_BatchOverLimit_Answers413AndStoresNothing()
    {
        await using var app = await ApiApp.StartAsync(o => o.MaxBatchSize = 3);
        var before = await app.SnapshotAsync();

        using var response = await app.PostRawAsync("/e/any", "[" + string.Join(',', Enumerable.Repeat("{\"name\":\"test/sleep\"}", 4)) + "]");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("the limit is 3", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Ingest_EventOverLimit_Answers413AndStoresNothing()
    {
        await using var app = await ApiApp.StartAsync(o => o.MaxEventBytes = 100);
        var before = await app.SnapshotAsync();

        using var response = await app.PostRawAsync("/e/any", "[{\"name\":\"test/sleep\"},{\"name\":\"test/sleep\",\"data\":{\"x\":\"" + new string('a', 200) + "\"}}]");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("event #1 is", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Ingest_RequestOverLimit_Answers413AndStoresNothing()
    {
        await using var app = await ApiApp.StartAsync(o => o.MaxRequestBytes = 1000);
        var before = await app.SnapshotAsync();

        using var response = await app.PostRawAsync("/e/any", "{\"name\":\"test/sleep\",\"data\":{\"x\":\"" + new string('a', 2000) + "\"}}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("the limit is 1000", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }
}

using Baton.Dashboard.Tests;

namespace Baton.Cli.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task Send_FromFlags_StoresEventAndStartsRun()
    {
        await using var app = await DashboardApp.StartAsync();
        var cli = new Cli(app.Address);

        var code = await cli.RunAsync("send", "test/greet", "--data", """{"name":"ada"}""", "--id", "order-1");

        Assert.Equal(0, code);
        Assert.Equal("order-1", cli.Out.ToString().Trim());
        var run = await app.WaitForRunOfEventAsync("order-1", r => r.Status == RunStatus.Completed);
        Assert.Equal("\"hello ada 2\"", run.Output);
    }

    [Fact]
    public async Task Send_JsonArray_SendsEachEvent()
    {
        await using var app = await DashboardApp.StartAsync();
        var cli = new Cli(app.Address);

        var code = await cli.RunAsync("send", "--event", """[{"name":"test/greet","id":"a"},{"name":"test/greet","id":"b"}]""");

        Assert.Equal(0, code);
        Assert.Equal(["a", "b"], cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var events = await app.Inspector.ListEventsAsync(new EventQuery { Limit = 10 });
        Assert.Equal(["b", "a"], events.Items.Select(e => e.Event.Id));
    }

    [Fact]
    public async Task Send_FromStdin_SendsEvent()
    {
        await using var app = await DashboardApp.StartAsync();
        var cli = new Cli(app.Address, input: """{"name":"test/greet","id":"stdin-1"}""");

        Assert.Equal(0, await cli.RunAsync("send", "--file", "-"));
        Assert.Equal("stdin-1", cli.Out.ToString().Trim());
    }

    [Theory]
    [InlineData("send", "test/greet", "--data", "[1]")]
    [InlineData("send", "test/greet", "--data", "{oops")]
    [InlineData("send")]
    [InlineData("send", "test/greet", "--colour", "red")]
    [InlineData("runs", "list", "--from", "yesterday")]
    [InlineData("replay")]
    [InlineData("frobnicate")]
    public async Task BadCommandLine_ExitsWith2_AndChangesNothing(params string[] args)
    {
        await using var app = await DashboardApp.StartAsync();
        var cli = new Cli(app.Address);

        Assert.Equal(2, await cli.RunAsync(args));

        Assert.Contains("usage: baton", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Empty((await app.Inspector.ListEventsAsync(new EventQuery())).Items);
    }

    [Fact]
    public async Task Send_RefusedEvent_ExitsWith1_WithTheApiMessage()
    {
        await using var app = await DashboardApp.StartAsync();
        var cli = new Cli(app.Address);

        Assert.Equal(1, await cli.RunAsync("send", "--event", """{"data":{}}"""));

        Assert.Contains("400", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("name", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsList_FiltersByFunctionAndStatus()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "shop/charge" }, new { name = "test/greet" });
        var failed = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Failed);
        var greeted = await app.WaitForRunOfEventAsync(ids[1], r => r.Status == RunStatus.Completed);
        var cli = new Cli(app.Address);

        Assert.Equal(0, await cli.RunAsync("runs", "list", "--status", "Failed"));

        var lines = cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("RUN", lines[0], StringComparison.Ordinal);
        Assert.Single(lines.Skip(1));
        Assert.Contains(failed.Id, lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(greeted.Id, cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsList_TextFilter_KeepsRunsWhoseEventContainsIt()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "shop/charge", data = new { order = "A-991" } }, new { name = "test/greet" });
        var charged = await app.WaitForRunOfEventAsync(ids[0], r => r.FinishedAt is not null);
        var greeted = await app.WaitForRunOfEventAsync(ids[1], r => r.FinishedAt is not null);
        var cli = new Cli(app.Address);

        Assert.Equal(0, await cli.RunAsync("runs", "list", "--text", "a-991"));

        Assert.Contains(charged.Id, cli.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(greeted.Id, cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsList_KeyFilter_KeepsRunsOfThatFlowKey()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "shop/market", data = new { market = "EBAY_GB" } }, new { name = "shop/market", data = new { market = "EBAY_DE" } });
        var gb = await app.WaitForRunOfEventAsync(ids[0], r => r.FinishedAt is not null);
        var de = await app.WaitForRunOfEventAsync(ids[1], r => r.FinishedAt is not null);
        var cli = new Cli(app.Address);

        Assert.Equal(0, await cli.RunAsync("runs", "list", "--key", "EBAY_GB"));

        Assert.Contains(gb.Id, cli.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(de.Id, cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsShow_PrintsStepsAndError()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "shop/charge" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Failed);
        var cli = new Cli(app.Address);

        Assert.Equal(0, await cli.RunAsync("runs", "show", run.Id));

        var text = cli.Out.ToString();
        Assert.Contains("status    Failed", text, StringComparison.Ordinal);
        Assert.Contains("card declined", text, StringComparison.Ordinal);
        Assert.Matches(@"charge-card\s+Run\s+Failed", text);
        Assert.Matches(@"Warning\s+charge-card\s+card 4242 declined by the bank", text);
    }

    [Fact]
    public async Task RunsShow_UnknownRun_ExitsWith1()
    {
        await using var app = await DashboardApp.StartAsync();
        var cli = new Cli(app.Address);

        Assert.Equal(1, await cli.RunAsync("runs", "show", "nope"));
        Assert.Contains("404", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_PromptDeclined_ReplaysNothing()
    {
        await using var app = await DashboardApp.StartAsync();
        await FailTwoFlakyRunsAsync(app);
        var cli = new Cli(app.Address, input: "n\n");

        Assert.Equal(1, await cli.RunAsync("replay", "--function", "flaky", "--status", "Failed"));

        Assert.Contains("Replay 2 run(s) matching function flaky, status Failed? [y/N]", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Nothing replayed.", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, (await app.RunsAsync("flaky")).Count);
    }

    [Fact]
    public async Task Replay_PromptConfirmed_ReplaysFailedRunsWithProgress()
    {
        await using var app = await DashboardApp.StartAsync();
        await FailTwoFlakyRunsAsync(app);
        app.Switches.FlakyFails = false;
        var cli = new Cli(app.Address, input: "y\n");

        Assert.Equal(0, await cli.RunAsync("replay", "--function", "flaky", "--status", "Failed"));

        Assert.Contains("replaying [", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("] 2/2", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("Replayed 2 of 2 run(s)", cli.Out.ToString(), StringComparison.Ordinal);
        var runs = await app.RunsAsync("flaky");
        Assert.Equal(4, runs.Count);
        Assert.Equal(2, runs.Count(r => r.Status == RunStatus.Failed));
    }

    [Fact]
    public async Task Cancel_WithYes_CancelsUnfinishedRunsWithoutAsking()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/stepper" }, new { name = "shop/charge" });
        var held = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Running);
        await app.WaitForRunOfEventAsync(ids[1], r => r.Status == RunStatus.Failed);
        var cli = new Cli(app.Address);

        var code = await cli.RunAsync("cancel", "--function", "stepper", "--yes", "--reason", "bad deploy");

        Assert.Equal(0, code);
        Assert.DoesNotContain("[y/N]", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Cancelled 1 of 1 run(s).", cli.Out.ToString(), StringComparison.Ordinal);
        app.Switches.Gate.SetResult(0);
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.FinishedAt is not null);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal("bad deploy", run.CancelReason);
        Assert.Equal(held.Id, run.Id);
    }

    [Fact]
    public async Task Functions_ListsEveryFunction()
    {
        await using var app = await DashboardApp.StartAsync();
        var cli = new Cli(app.Address);

        Assert.Equal(0, await cli.RunAsync("functions"));

        var text = cli.Out.ToString();
        Assert.Matches(@"greet\s+test/greet\s+no", text);
        Assert.Matches(@"charge\s+shop/charge\s+no", text);
    }

    [Fact]
    public async Task RunsTail_PrintsChangesAsTheyHappen()
    {
        await using var app = await DashboardApp.StartAsync();
        var cli = new Cli(app.Address);
        var tail = cli.RunAsync("runs", "tail", "--function", "market", "--count", "5");
        await cli.Error.WaitForAsync("watching");

        // A flow-controlled run: always created Queued, then claimed (a plain one may be leased as it is created).
        await app.IngestAsync(new { name = "shop/market", data = new { market = "EBAY_GB" } });

        Assert.Equal(0, await tail);
        var lines = cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length < 20 || w.Contains('/', StringComparison.Ordinal)))).ToArray();
        Assert.Equal(["run market Queued", "run market Running", "step quote Completed", "step record Completed", "run market Completed"], lines);
    }

    [Fact]
    public async Task ApiKey_IsTakenFromTheEnvironment()
    {
        await using var app = await DashboardApp.StartAsync(o => o.ApiKeys.Add("s3cret"));

        var without = new Cli(app.Address);
        Assert.Equal(1, await without.RunAsync("functions"));
        Assert.Contains("401", without.Error.ToString(), StringComparison.Ordinal);

        var with = new Cli(app.Address, environment: new() { ["BATON_API_KEY"] = "s3cret" });
        Assert.Equal(0, await with.RunAsync("functions"));
        Assert.Contains("greet", with.Out.ToString(), StringComparison.Ordinal);
    }

    private static async Task FailTwoFlakyRunsAsync(DashboardApp app)
    {
        var ids = await app.IngestAsync(new { name = "test/flaky" }, new { name = "test/flaky" });
        foreach (var id in ids)
        {
            await app.WaitForRunOfEventAsync(id, r => r.Status == RunStatus.Failed);
        }
    }
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>The dashboard in headless Chromium against a real app: every wait is on a page condition, never a sleep.</summary>
public sealed class DashboardBrowserTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task RunsList_NewRun_AppearsWithoutReload()
    {
        await using var app = await DashboardApp.StartAsync();
        var page = await OpenAsync(app, "#/runs");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var ids = await app.IngestAsync(new { name = "test/greet", data = new { name = "ada" } });
        var run = await app.WaitForRunOfEventAsync(ids[0], _ => true);

        var row = page.Locator($"tr[data-run-id='{run.Id}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator(".status")).ToHaveTextAsync("Completed");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
    }

    [Fact]
    public async Task RunPage_StepsAppearLive()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/stepper" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Running);
        var page = await OpenAsync(app, "#/runs/" + run.Id);

        await Expect(page.Locator("[data-step='one']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-step='three']")).ToHaveCountAsync(0);

        app.Switches.Gate.SetResult(41);

        await Expect(page.Locator("[data-step='two']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-step='three']")).ToBeVisibleAsync();
        await Expect(page.Locator("h1 .status")).ToHaveTextAsync("Completed");
        await Expect(page.Locator(".panel pre").First).ToHaveTextAsync("43");
    }

    [Fact]
    public async Task RunPage_FailedStep_ShowsItsError()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "shop/charge", data = new { order = 7 } });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Failed);

        var page = await OpenAsync(app, "#/runs/" + run.Id);

        await Expect(page.Locator("h1 .status")).ToHaveTextAsync("Failed");
        var step = page.Locator("[data-step='charge-card']");
        await Expect(step).ToHaveAttributeAsync("data-status", "Failed");
        await Expect(step.Locator("[data-testid='step-error']")).ToContainTextAsync("card declined");
        var log = page.Locator("[data-testid='run-logs'] tr[data-level='Warning']");
        await Expect(log).ToContainTextAsync("card 4242 declined by the bank");
        await Expect(log).ToContainTextAsync("charge-card");
    }

    [Fact]
    public async Task RunsList_BulkReplay_RerunsFailedRuns()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/flaky" }, new { name = "test/flaky" }, new { name = "test/flaky" });
        foreach (var id in ids)
        {
            await app.WaitForRunOfEventAsync(id, r => r.Status == RunStatus.Failed);
        }

        app.Switches.FlakyFails = false;
        var page = await OpenAsync(app, "#/runs?function=flaky&status=Failed");
        await Expect(page.Locator("tbody tr[data-run-id]")).ToHaveCountAsync(3);

        await page.ClickAsync("[data-testid='bulk-replay']");
        await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync("function \"flaky\", status Failed");
        await page.ClickAsync("#confirm-ok");

        await Expect(page.Locator("[data-testid='bulk-job']")).ToContainTextAsync("3 of 3 started");
        await Expect(page.Locator("[data-testid='bulk-job']")).ToContainTextAsync("done");
        await page.GotoAsync(app.Dashboard + "#/runs?function=flaky&status=Completed");
        await Expect(page.Locator("tbody tr[data-run-id]")).ToHaveCountAsync(3);
        Assert.Equal(3, (await app.RunsAsync("flaky", RunStatus.Failed)).Count);
    }

    [Fact]
    public async Task RunPage_CancelNeedsConfirmation()
    {
        await using var app = await DashboardApp.StartAsync();
        var ids = await app.IngestAsync(new { name = "test/stepper" });
        var run = await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Running);
        var page = await OpenAsync(app, "#/runs/" + run.Id);

        await page.ClickAsync("[data-testid='cancel-run']");
        await page.ClickAsync("#confirm button[value='cancel']");
        await Expect(page.Locator("#confirm")).Not.ToBeVisibleAsync();
        Assert.Equal(RunStatus.Running, (await app.Inspector.GetRunAsync(run.Id))!.Status);

        await page.ClickAsync("[data-testid='cancel-run']");
        await page.ClickAsync("#confirm-ok");

        // The page sends the cancel in the background: the step may only finish once it has landed.
        await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Cancelled);
        app.Switches.Gate.SetResult(0);
        await Expect(page.Locator("h1 .status")).ToHaveTextAsync("Cancelled");
        Assert.Equal(RunStatus.Cancelled, (await app.Inspector.GetRunAsync(run.Id))!.Status);
    }

    [Fact]
    public async Task FunctionsPage_PauseWithConfirmation_StopsNewRuns()
    {
        await using var app = await DashboardApp.StartAsync();
        var page = await OpenAsync(app, "#/functions");
        var greet = page.Locator("[data-function='greet']");
        await Expect(greet.Locator(".kv")).ToContainTextAsync("test/greet");

        await greet.Locator("[data-testid='pause']").ClickAsync();
        await page.ClickAsync("#confirm-ok");
        await Expect(greet.Locator("[data-testid='paused']")).ToBeVisibleAsync();

        await app.IngestAsync(new { name = "test/greet" });
        await page.GotoAsync(app.Dashboard + "#/events");
        await Expect(page.Locator("[data-testid='events'] tbody tr").First).ToContainTextAsync("greet: function paused");
        Assert.Empty(await app.RunsAsync("greet"));
    }

    [Fact]
    public async Task Screenshots_OfMainPages_AreTaken()
    {
        await using var app = await DashboardApp.StartAsync();
        var greetIds = await app.IngestAsync(new { name = "test/greet", data = new { name = "ada" } }, new { name = "test/greet", data = new { name = "grace" } });
        var failed = await app.IngestAsync(new { name = "shop/charge", data = new { order = 1042, amount = 129.5 } });
        var stepper = await app.IngestAsync(new { name = "test/stepper" });
        await app.IngestAsync(new { name = "test/flaky" });
        var greetRun = await app.WaitForRunOfEventAsync(greetIds[1], r => r.Status == RunStatus.Completed);
        var failedRun = await app.WaitForRunOfEventAsync(failed[0], r => r.Status == RunStatus.Failed);
        var running = await app.WaitForRunOfEventAsync(stepper[0], r => r.Status == RunStatus.Running);

        var directory = Environment.GetEnvironmentVariable("BATON_SCREENSHOT_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "baton-dashboard-screenshots", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var page = await OpenAsync(app, "#/");
        var shots = new (string File, string Route, string Ready)[]
        {
            ("dashboard-overview.png", "#/", "[data-testid='chart-lag'] svg"),
            ("dashboard-runs.png", "#/runs", $"tr[data-run-id='{running.Id}']"),
            ("dashboard-run-failed.png", "#/runs/" + failedRun.Id, "[data-testid='step-error']"),
            ("dashboard-run.png", "#/runs/" + greetRun.Id, "[data-step='b']"),
            ("dashboard-functions.png", "#/functions", "[data-function='flaky']"),
            ("dashboard-events.png", "#/events", "[data-testid='events'] tbody tr >> nth=4"),
        };
        foreach (var (file, route, ready) in shots)
        {
            await page.GotoAsync(app.Dashboard + route);
            await Expect(page.Locator(ready)).ToBeVisibleAsync();
            var path = Path.Combine(directory, file);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
            var bytes = await File.ReadAllBytesAsync(path);
            Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', $"{file} is not a PNG screenshot");
        }

        await page.GotoAsync(app.Dashboard + "#/");
        await Expect(page.Locator(".chart svg")).ToHaveCountAsync(3);
    }

    private async Task<IPage> OpenAsync(DashboardApp app, string route)
    {
        var page = await browser.NewPageAsync();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, message) => log.Enqueue("console: " + message.Text);
        page.PageError += (_, error) => log.Enqueue("script error: " + error);
        page.Response += (_, response) => log.Enqueue($"{response.Status} {response.Url}");
        page.RequestFailed += (_, request) => log.Enqueue($"failed {request.Url}: {request.Failure}");
        await page.GotoAsync(app.Dashboard + route);
        try
        {
            await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException("the dashboard did not connect to the live stream:\n" + string.Join("\n", log), e);
        }

        return page;
    }
}

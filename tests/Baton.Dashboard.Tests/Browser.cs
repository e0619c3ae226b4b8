using Microsoft.Playwright;

namespace Baton.Dashboard.Tests;

/// <summary>
/// One headless Chromium per test class, driven by Playwright. It is the system's Chromium (Debian's package), never a
/// downloaded one: when it is missing the tests fail and say how to install it.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    /// <summary>Where Debian's <c>chromium</c> package puts the browser; <c>BATON_CHROMIUM</c> overrides it.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("BATON_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Instance => _browser ?? throw new InvalidOperationException("the browser has not started");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}. Install it with `sudo apt-get install -y chromium` (.ci/run does this), " +
                "or set BATON_CHROMIUM to a Chromium binary.");
        }

        // Machines running CI are busy: give page conditions time (they still pass as soon as they hold).
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh page (its own context: no shared storage) sized like a laptop screen.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

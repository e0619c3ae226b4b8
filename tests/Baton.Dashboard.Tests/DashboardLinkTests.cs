using System.Net;
using Baton.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>Links a host app adds to the dashboard's navigation (<c>o.Dashboard.AddLink(title, href)</c>).</summary>
public sealed class DashboardLinkTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Index_HostLinks_FollowBatonsPagesInOrderAndEncoded()
    {
        await using var app = await DashboardApp.StartAsync(o => o.Dashboard
            .AddLink("Crawler", "/crawler")
            .AddLink("Docs & <help>", "https://example.com/docs?a=1&b=\"2\""));

        var index = await app.Http.GetStringAsync(new Uri("/dashboard/", UriKind.Relative));

        var nav = index[index.IndexOf("<nav>", StringComparison.Ordinal)..index.IndexOf("</nav>", StringComparison.Ordinal)];
        var events = nav.IndexOf("data-nav=\"events\"", StringComparison.Ordinal);
        var crawler = nav.IndexOf("<a href=\"/crawler\" data-link=\"host\">Crawler</a>", StringComparison.Ordinal);
        var docs = nav.IndexOf("<a href=\"https://example.com/docs?a=1&amp;b=&quot;2&quot;\" data-link=\"host\">Docs &amp; &lt;help&gt;</a>", StringComparison.Ordinal);
        Assert.True(events >= 0 && crawler > events && docs > crawler, nav);
        Assert.DoesNotContain(DashboardIndexMarker, index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_WithoutLinks_HasNoHostLinks()
    {
        await using var app = await DashboardApp.StartAsync();
        var index = await app.Http.GetStringAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.DoesNotContain("data-link=\"host\"", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_WithLinks_HasItsOwnETag()
    {
        await using var plain = await DashboardApp.StartAsync();
        await using var linked = await DashboardApp.StartAsync(o => o.Dashboard.AddLink("Crawler", "/crawler"));

        using var without = await plain.Http.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        using var with = await linked.Http.GetAsync(new Uri("/dashboard/", UriKind.Relative));

        Assert.NotNull(with.Headers.ETag);
        Assert.NotEqual(without.Headers.ETag, with.Headers.ETag);
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard/", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(with.Headers.ETag!);
        using var notModified = await linked.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("", "/crawler", "title")]
    [InlineData("   ", "/crawler", "title")]
    [InlineData("A title far too long for one navigation bar", "/crawler", "title")]
    [InlineData("Crawler", "", "href")]
    [InlineData("Crawler", "crawler", "href")]
    [InlineData("Crawler", "//elsewhere.example/crawler", "href")]
    [InlineData("Crawler", "javascript:alert(1)", "href")]
    [InlineData("Crawler", "data:text/html,hello", "href")]
    [InlineData("Crawler", "ftp://example.com/", "href")]
    public void AddLink_BadInput_ThrowsNamingTheArgumentAndAddsNothing(string title, string href, string argument)
    {
        var options = new BatonApiOptions();
        options.Dashboard.AddLink("Docs", "/docs");

        var error = Assert.Throws<ArgumentException>(() => options.Dashboard.AddLink(title, href));

        Assert.Equal(argument, error.ParamName);
        Assert.Equal([new DashboardLink("Docs", "/docs")], options.Dashboard.Links);
    }

    [Fact]
    public void Validate_BadLinkAddedToTheList_IsRefused()
    {
        var options = new BatonApiOptions();
        options.Dashboard.Links.Add(new DashboardLink("Bad", "javascript:alert(1)"));

        Assert.Equal("href", Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Fact]
    public void Links_FromConfiguration_AreBoundAndChecked()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Baton:Api:Dashboard:Links:0:Title"] = "Crawler",
            ["Baton:Api:Dashboard:Links:0:Href"] = "/crawler",
            ["Baton:Api:Dashboard:Links:1:Title"] = "Bad",
            ["Baton:Api:Dashboard:Links:1:Href"] = "javascript:alert(1)",
        }).Build();
        var options = new BatonApiOptions();

        configuration.GetSection("Baton:Api").Bind(options);

        Assert.Equal([new DashboardLink("Crawler", "/crawler"), new DashboardLink("Bad", "javascript:alert(1)")], options.Dashboard.Links);
        Assert.Equal("href", Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Fact]
    public async Task Navigation_HostLink_IsShownAndLeadsToTheHostPage()
    {
        await using var app = await DashboardApp.StartAsync(o => o.Dashboard.AddLink("Functions JSON", "/api/v1/functions"));
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Dashboard.ToString());

        var link = page.Locator("header nav a[data-link='host']");
        await Expect(link).ToHaveTextAsync("Functions JSON");
        await link.ClickAsync();

        // The navigation only has to commit: the assertion on the page's text waits for its content, where waiting for
        // the JSON page's load event timed out once on a loaded machine.
        await page.WaitForURLAsync(new Uri(app.Address, "/api/v1/functions").ToString(), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.Locator("body")).ToContainTextAsync("greet");
    }

    private const string DashboardIndexMarker = "<!--baton:links-->";
}

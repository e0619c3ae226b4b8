using Baton.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.Resources;

public sealed class ResourceDeclarationTests
{
    [Fact]
    public void AddResource_SameNameTwice_Throws()
    {
        var builder = new ServiceCollection().AddBaton();
        builder.AddResource("api", r => r.PerSecond(1));

        var error = Assert.Throws<ArgumentException>(() => builder.AddResource("api", r => r.PerSecond(2)));

        Assert.Contains("declared twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("bad\nname")]
    public void AddResource_BadName_Throws(string name)
    {
        var builder = new ServiceCollection().AddBaton();

        Assert.ThrowsAny<ArgumentException>(() => builder.AddResource(name, r => r.PerSecond(1)));
    }

    [Fact]
    public void PerSecond_BadValues_ThrowNamingTheArgument()
    {
        var builder = new ServiceCollection().AddBaton();

        Assert.Equal("perSecond", Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddResource("a", r => r.PerSecond(0))).ParamName);
        Assert.Equal("perSecond", Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddResource("b", r => r.PerSecond(double.NaN))).ParamName);
        Assert.Equal("burst", Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddResource("c", r => r.PerSecond(5, burst: 0))).ParamName);
        Assert.Equal("defaultPause", Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddResource("d", r => r.DefaultPause(TimeSpan.Zero))).ParamName);
    }

    [Fact]
    public void Quota_BadValues_ThrowNamingTheArgument()
    {
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => new ResourceQuota(0, TimeSpan.FromDays(1))).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => new ResourceQuota(5, TimeSpan.Zero)).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentException>(() => new ResourceQuota(5, TimeSpan.FromHours(5), resetAt: new TimeOnly(3, 0))).ParamName);
        Assert.Equal("timeZone", Assert.Throws<ArgumentException>(() => new ResourceQuota(5, TimeSpan.FromDays(1), timeZone: "Mars/Olympus_Mons")).ParamName);
    }

    [Fact]
    public async Task GetResources_NothingUsedYet_ReportsFullBudget()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddResource("ebay:EBAY_GB", r => r.PerSecond(5, burst: 5).Quota(5000, TimeSpan.FromDays(1), resetAt: new TimeOnly(0, 0), timeZone: "America/Los_Angeles")));

        var info = Assert.Single(await host.Inspector.GetResourcesAsync());

        Assert.Equal("ebay:EBAY_GB", info.Name);
        Assert.Equal(5, info.RatePerSecond);
        Assert.Equal(5, info.TokensAvailable);
        Assert.Equal(5000, info.QuotaLimit);
        Assert.Equal(0, info.QuotaUsed);
        Assert.Equal(5000, info.QuotaRemaining);
        Assert.Equal(BatonTestHost.DefaultStart + TimeSpan.FromHours(8), info.WindowResetsAt);
        Assert.Null(info.PausedUntil);
        Assert.Null(info.QueuedUntil);
    }

    [Fact]
    public async Task GetResources_NoneDeclared_IsEmpty()
    {
        await using var host = await BatonTestHost.StartAsync(_ => { });

        Assert.Empty(await host.Inspector.GetResourcesAsync());
    }
}

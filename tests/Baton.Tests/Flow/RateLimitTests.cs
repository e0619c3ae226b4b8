using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Flow;

public sealed class RateLimitTests
{
    private const int Limit = 3;
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(6);

    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b
        .AddFunction<object>("crawl-shop", f => f.OnEvent("shop/changed").RateLimit(Limit, Period, key: "event.data.shop"), _ => Task.CompletedTask));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RateLimit_RandomArrivals_RunsExactlyWhatTheCellRateAllowsPerKey(int seed)
    {
        await using var host = await StartAsync();
        var random = new Random(seed);
        var interval = (long)(Period.TotalMilliseconds / Limit);
        var theoreticalArrival = new Dictionary<string, long>(StringComparer.Ordinal);
        var accepted = new List<(string Id, string Shop, long At)>();
        var refused = new List<(string Id, string Shop)>();

        for (var i = 0; i < 40; i++)
        {
            host.Advance(TimeSpan.FromMilliseconds(random.Next(0, 1500)));
            var shop = random.Next(2) == 0 ? "ebay-gb" : "ebay-de";
            var id = await host.SendAsync("shop/changed", new { shop });

            // Reference model: GCRA with burst = limit, one event per period/limit afterwards.
            var now = host.Time.GetUtcNow().ToUnixTimeMilliseconds();
            var next = Math.Max(theoreticalArrival.GetValueOrDefault(shop, now), now) + interval;
            if (next - now <= (long)Period.TotalMilliseconds)
            {
                theoreticalArrival[shop] = next;
                accepted.Add((id, shop, now));
            }
            else
            {
                refused.Add((id, shop));
            }
        }

        var runs = await host.WaitForRunsOfAsync("crawl-shop", accepted.Count);
        Assert.Equal(accepted.Select(a => a.Id), runs.Select(r => r.EventId));
        Assert.NotEmpty(refused);

        // Never more than the limit within one interval, per key: the burst is the only excess over the rate.
        foreach (var group in accepted.GroupBy(a => a.Shop))
        {
            var times = group.Select(a => a.At).ToArray();
            for (var j = Limit; j < times.Length; j++)
            {
                Assert.True(times[j] - times[j - Limit] >= interval, $"{Limit + 1} runs of {group.Key} within {interval} ms");
            }
        }

        var skips = await host.SkipsAsync();
        foreach (var (id, shop) in refused)
        {
            var skip = Assert.Single(skips[id]);
            Assert.Equal("crawl-shop", skip.FunctionId);
            Assert.Equal($"rate limit: 3 per 6s reached for key '{shop}'", skip.Reason);
        }

        Assert.All(accepted, a => Assert.Empty(skips[a.Id]));
    }

    [Fact]
    public async Task RateLimit_BurstAtOneInstant_LimitRunAndTheRestAreSkippedUntilTheRateRefills()
    {
        await using var host = await StartAsync();

        var burst = await host.Client.SendAsync(Enumerable.Range(0, 5).Select(_ => new EventMessage("shop/changed", new { shop = "ebay-gb" })).ToArray());
        host.Advance(TimeSpan.FromSeconds(2));
        var afterOneInterval = await host.SendAsync("shop/changed", new { shop = "ebay-gb" });
        var tooSoon = await host.SendAsync("shop/changed", new { shop = "ebay-gb" });

        var runs = await host.WaitForRunsOfAsync("crawl-shop", 4);
        Assert.Equal([burst[0], burst[1], burst[2], afterOneInterval], runs.Select(r => r.EventId));
        var skips = await host.SkipsAsync();
        Assert.All(new[] { burst[3], burst[4], tooSoon }, id => Assert.Contains("rate limit", Assert.Single(skips[id]).Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimit_NoKey_OneLimitForTheWholeFunction()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("digest", f => f.OnEvent("shop/changed").RateLimit(1, TimeSpan.FromHours(1)), _ => Task.CompletedTask));

        var first = await host.SendAsync("shop/changed", new { shop = "a" });
        var second = await host.SendAsync("shop/changed", new { shop = "b" });
        host.Advance(TimeSpan.FromHours(1));
        var third = await host.SendAsync("shop/changed", new { shop = "c" });

        var runs = await host.WaitForRunsOfAsync("digest", 2);
        Assert.Equal([first, third], runs.Select(r => r.EventId));
        Assert.Equal("rate limit: 1 per 1h reached", Assert.Single((await host.SkipsAsync())[second]).Reason);
    }

    [Fact]
    public async Task RateLimit_KeyIsNull_EventSkippedWithTheReason()
    {
        await using var host = await StartAsync();

        var id = await host.SendAsync("shop/changed", new { other = 1 });
        var ok = await host.SendAsync("shop/changed", new { shop = "x" });

        await host.WaitForRunsOfAsync("crawl-shop", 1);
        Assert.Equal(ok, Assert.Single(await host.RunsOfAsync("crawl-shop")).EventId);
        Assert.Equal("rate limit key 'event.data.shop' is null for this event", Assert.Single((await host.SkipsAsync())[id]).Reason);
    }
}

using Baton.Storage;
using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Flow;

public sealed class DebounceTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(35);

    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b
        .AddFunction<object>("analyze", f => f.OnEvent("watchlist/changed").Debounce(Period, key: "event.data.watchlist", timeout: Timeout), _ => Task.CompletedTask));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Debounce_RandomBursts_OneRunPerBurstWithItsLastEventAndVisiblePendingState(int seed)
    {
        await using var host = await StartAsync();
        var random = new Random(seed);
        var pending = new Dictionary<string, Burst>(StringComparer.Ordinal);
        var expected = new List<Burst>();
        var replaced = new List<string>();

        for (var i = 0; i < 30; i++)
        {
            var gap = TimeSpan.FromSeconds(random.Next(4) == 0 ? random.Next(10, 40) : random.Next(0, 10));
            var then = host.Time.GetUtcNow() + gap;

            // Reference model: a burst ends when its due time (last + period, capped at first + timeout) has come.
            foreach (var (key, burst) in pending.Where(p => p.Value.DueAt <= then).ToArray())
            {
                expected.Add(burst);
                pending.Remove(key);
            }

            host.Advance(gap);
            await host.WaitForFinishedAsync("analyze", expected.Count);

            var watchlist = random.Next(2) == 0 ? "gpus" : "cameras";
            var id = await host.SendAsync("watchlist/changed", new { watchlist });
            var now = host.Time.GetUtcNow();
            if (pending.TryGetValue(watchlist, out var open))
            {
                replaced.Add(open.LastEventId);
                pending[watchlist] = open with { LastEventId = id, Last = now, Events = open.Events + 1 };
            }
            else
            {
                pending[watchlist] = new Burst(id, now, now, 1);
            }

            var visible = await host.Inspector.ListPendingFlowAsync("analyze");
            Assert.Equal(
                pending.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.LastEventId, p.Value.Events, p.Value.DueAt)),
                visible.Select(v => (v.Key, v.EventId!, v.Events, v.DueAt)));
            Assert.All(visible, v => Assert.Equal(GatherKind.Debounce, v.Kind));
        }

        expected.AddRange(pending.Values);
        host.Advance(Timeout);
        var runs = await host.WaitForFinishedAsync("analyze", expected.Count);

        Assert.Equal(expected.Count, (await host.RunsOfAsync("analyze")).Count);
        Assert.Equal(expected.Select(b => b.LastEventId).Order(), runs.Select(r => Assert.Single(r.Events).Id).Order());
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Empty(await host.Inspector.ListPendingFlowAsync());
        var skips = await host.SkipsAsync();
        Assert.All(replaced, id => Assert.StartsWith("debounce: replaced by later event '", Assert.Single(skips[id]).Reason, StringComparison.Ordinal));
        Assert.All(expected, b => Assert.Empty(skips[b.LastEventId]));
    }

    [Fact]
    public async Task Debounce_EventsKeepComing_RunStartsAtTheTimeoutWithTheLatestEvent()
    {
        await using var host = await StartAsync();
        var first = host.Time.GetUtcNow();
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await host.SendAsync("watchlist/changed", new { watchlist = "gpus", i }));
            host.Advance(TimeSpan.FromSeconds(4));
            Assert.DoesNotContain(await host.RunsOfAsync("analyze"), HostWaits.IsFinished);
        }

        // 8 events 4 s apart: the last came at 28 s (due 38 s), but the timeout caps the delay at 35 s; the clock is at 32 s.
        var pending = Assert.Single(await host.Inspector.ListPendingFlowAsync());
        Assert.Equal(first + Timeout, pending.DueAt);
        Assert.Equal(8, pending.Events);
        Assert.Equal(first, pending.FirstEventAt);

        host.Advance(TimeSpan.FromSeconds(3));
        var run = Assert.Single(await host.WaitForFinishedAsync("analyze", 1));
        Assert.Equal(ids[^1], Assert.Single(run.Events).Id);
        Assert.Equal(ids[^1], run.EventId);
    }

    [Fact]
    public async Task Debounce_EventAfterTheRunStarted_StartsANewPendingRun()
    {
        var gate = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("analyze", f => f.OnEvent("watchlist/changed").Debounce(Period), async ctx => await ctx.Step.Run("hold", () => gate.PassAsync())));

        var first = await host.SendAsync("watchlist/changed");
        host.Advance(Period);
        await gate.WaitEnteredAsync();
        var second = await host.SendAsync("watchlist/changed");

        var pending = Assert.Single(await host.Inspector.ListPendingFlowAsync("analyze"));
        Assert.Equal(second, pending.EventId);
        Assert.Equal(1, pending.Events);
        gate.Release();
        host.Advance(Period);
        var runs = await host.WaitForFinishedAsync("analyze", 2);
        Assert.Equal([first, second], runs.Select(r => r.EventId));
    }

    private sealed record Burst(string LastEventId, DateTimeOffset First, DateTimeOffset Last, int Events)
    {
        public DateTimeOffset DueAt => Min(Last + Period, First + Timeout);

        private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    }
}

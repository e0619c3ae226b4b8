using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Flow;

public sealed class SingletonTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(30);

    private static Task<BatonTestHost> StartAsync(SingletonMode mode) => BatonTestHost.StartAsync(b => b
        .AddFunction<object>("crawl-watchlist", f => f.OnEvent("watchlist/crawl").Singleton("event.data.watchlist", mode), ctx => ctx.Step.Sleep("hold", Hold)));

    [Theory]
    [InlineData(1, SingletonMode.Skip)]
    [InlineData(2, SingletonMode.Skip)]
    [InlineData(1, SingletonMode.Cancel)]
    [InlineData(2, SingletonMode.Cancel)]
    public async Task Singleton_RandomEvents_NeverTwoActiveRunsPerKey(int seed, SingletonMode mode)
    {
        await using var host = await StartAsync(mode);
        var random = new Random(seed);
        var active = new Dictionary<string, (string RunId, DateTimeOffset Ends)>(StringComparer.Ordinal);
        var skipped = new List<(string EventId, string ActiveRun, string Key)>();
        var cancelled = new List<(string RunId, string ReplacedBy)>();
        var completed = new List<string>();

        for (var i = 0; i < 24; i++)
        {
            var gap = TimeSpan.FromMinutes(random.Next(0, 25));
            var then = host.Time.GetUtcNow() + gap;
            var ending = active.Where(a => a.Value.Ends <= then).ToArray();
            host.Advance(gap);
            foreach (var (key, run) in ending)
            {
                Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(run.RunId)).Status);
                completed.Add(run.RunId);
                active.Remove(key);
            }

            var watchlist = random.Next(2) == 0 ? "gpus" : "cameras";
            var id = await host.SendAsync("watchlist/crawl", new { watchlist });
            if (active.TryGetValue(watchlist, out var holder) && mode == SingletonMode.Skip)
            {
                skipped.Add((id, holder.RunId, watchlist));
                continue;
            }

            var runId = await host.WaitForRunOfEventAsync(id, "crawl-watchlist");
            if (holder.RunId is not null)
            {
                cancelled.Add((holder.RunId, runId));
                Assert.Equal(RunStatus.Cancelled, (await host.WaitForRunAsync(holder.RunId)).Status);
            }

            await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
            active[watchlist] = (runId, host.Time.GetUtcNow() + Hold);

            var unfinished = (await host.RunsOfAsync("crawl-watchlist")).Where(r => !HostWaits.IsFinished(r));
            Assert.Equal(active.Values.Select(a => a.RunId).Order(StringComparer.Ordinal), unfinished.Select(r => r.Id).Order(StringComparer.Ordinal));
        }

        Assert.NotEmpty(mode == SingletonMode.Skip ? skipped.Select(s => s.EventId) : cancelled.Select(c => c.RunId));
        var skips = await host.SkipsAsync();
        foreach (var (eventId, activeRun, key) in skipped)
        {
            Assert.Equal($"singleton: run {activeRun} is still active for key '{key}'", Assert.Single(skips[eventId]).Reason);
        }

        foreach (var (runId, replacedBy) in cancelled)
        {
            var run = await host.Inspector.GetRunAsync(runId);
            Assert.StartsWith($"singleton: replaced by run {replacedBy} of event '", run!.CancelReason, StringComparison.Ordinal);
        }

        var runs = await host.RunsOfAsync("crawl-watchlist");
        Assert.Equal(completed.Order(StringComparer.Ordinal), runs.Where(r => r.Status == RunStatus.Completed).Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(cancelled.Count, runs.Count(r => r.Status == RunStatus.Cancelled));
    }

    [Fact]
    public async Task Singleton_NoKey_OneActiveRunForTheWholeFunction()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("nightly", f => f.OnEvent("crawl/all").Singleton(), ctx => ctx.Step.Sleep("hold", Hold)));

        var first = await host.SendAsync("crawl/all", new { shop = "a" });
        var runId = await host.WaitForRunOfEventAsync(first, "nightly");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        var second = await host.SendAsync("crawl/all", new { shop = "b" });

        Assert.Equal($"singleton: run {runId} is still active", Assert.Single((await host.SkipsAsync())[second]).Reason);
        host.Advance(Hold);
        await host.WaitForRunAsync(runId);
        var third = await host.SendAsync("crawl/all");
        await host.WaitForRunOfEventAsync(third, "nightly");
    }
}

using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.FlowControl;

public sealed class ConcurrencyTests
{
    private static Task<BatonTestHost> StartAsync(FlowProbe probe, Action<FunctionBuilder> flow, Action<BatonOptions>? options = null)
        => BatonTestHost.StartAsync(b =>
        {
            b.AddFunction<Job>("capture", f => flow(f.OnEvent("job/go")), ctx => ctx.Step.Run("work", token => probe.EnterAsync(ctx.Data, token)));
            if (options is not null)
            {
                b.Configure(options);
            }
        });

    private static Task<IReadOnlyList<string>> SendJobsAsync(BatonTestHost host, IEnumerable<Job> jobs)
        => host.Client.SendAsync(jobs.Select(j => new EventMessage("job/go", j)).ToArray());

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task Concurrency_RandomReleases_NeverMoreThanLimitPerKeyAndFifoWithinKey(int seed)
    {
        var random = new Random(seed);
        string[] keys = ["EBAY_GB", "EBAY_DE", "EBAY_US"];
        var jobs = Enumerable.Range(0, 24).Select(n => new Job(keys[random.Next(keys.Length)], n)).ToArray();
        var probe = new FlowProbe(TimeProvider.System);
        await using var host = await StartAsync(probe, f => f.Concurrency(2, "event.data.key"));

        await SendJobsAsync(host, jobs);

        var finished = new HashSet<int>();
        while (finished.Count < jobs.Length)
        {
            // Every key with work left fills its two slots, with its oldest waiting runs (FIFO within a key)...
            var expected = keys.SelectMany(k => jobs.Where(j => j.Key == k && !finished.Contains(j.N)).Take(2)).Select(j => j.N).Order().ToArray();
            await probe.WaitUntilAsync(p => p.Inside().Select(j => j.N).SequenceEqual(expected), $"runs {string.Join(", ", expected)} inside");

            // ...and then one run, picked at random, finishes.
            var inside = probe.Inside();
            var done = inside[random.Next(inside.Count)];
            finished.Add(done.N);
            probe.Release(done.N);
        }

        await host.WaitForRunsOfAsync("capture", jobs.Length);
        Assert.All(keys, k => Assert.Equal(2, probe.MaxInside(k)));
        Assert.Equal(jobs.Length, probe.Starts.Count);
    }

    [Fact]
    public async Task Concurrency_NoKey_LimitsTheWholeFunction()
    {
        var probe = new FlowProbe(TimeProvider.System);
        await using var host = await StartAsync(probe, f => f.Concurrency(1));
        await SendJobsAsync(host, [new Job("a", 0), new Job("b", 1), new Job("c", 2)]);

        for (var n = 0; n < 3; n++)
        {
            var expected = n;
            await probe.WaitUntilAsync(p => p.Inside().Count == 1, "one run inside");
            Assert.Equal(expected, Assert.Single(probe.Inside()).N);
            probe.Release(n);
        }

        await host.WaitForRunsOfAsync("capture", 3);
        Assert.Equal([0, 1, 2], probe.Starts.Select(s => s.Job.N));
    }

    [Fact]
    public async Task Concurrency_SleepingRun_HoldsNoSlot()
    {
        var probe = new FlowProbe(TimeProvider.System);
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<Job>(
            "capture",
            f => f.OnEvent("job/go").Concurrency(1, "event.data.key"),
            async ctx =>
            {
                await ctx.Step.Run("before", token => probe.EnterAsync(ctx.Data, token));
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(5));
                await ctx.Step.Run("after", () => Task.CompletedTask);
            }));
        var ids = await SendJobsAsync(host, [new Job("k", 0), new Job("k", 1)]);
        var first = await host.WaitForRunOfEventAsync(ids[0], "capture");

        await probe.WaitUntilAsync(p => p.Inside().Count == 1, "the first run inside");
        probe.Release(0);
        await host.WaitForStatusAsync(first, RunStatus.Sleeping);

        // The sleeping first run holds no slot: the second starts while it sleeps.
        await probe.WaitUntilAsync(p => p.Starts.Count == 2, "the second run to start");
        Assert.Equal(1, probe.Inside().Single().N);
        Assert.Equal(RunStatus.Sleeping, (await host.Inspector.GetRunAsync(first))!.Status);
        probe.Release(1);

        await host.WaitForRunsOfAsync("capture", 2, r => r.Status == RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(5));
        var runs = await host.WaitForRunsOfAsync("capture", 2);
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(1, probe.MaxInside("k"));
    }

    [Fact]
    public async Task Concurrency_SharedScope_FunctionsShareTheKeysSlots()
    {
        var probe = new FlowProbe(TimeProvider.System);
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<Job>("capture", f => f.OnEvent("job/capture").Concurrency(1, "'market:' + event.data.key", ConcurrencyScope.Shared), ctx => ctx.Step.Run("work", token => probe.EnterAsync(ctx.Data, token)))
            .AddFunction<Job>("refresh", f => f.OnEvent("job/refresh").Concurrency(1, "'market:' + event.data.key", ConcurrencyScope.Shared), ctx => ctx.Step.Run("work", token => probe.EnterAsync(ctx.Data, token))));

        await host.Client.SendAsync([new EventMessage("job/capture", new Job("gb", 0)), new EventMessage("job/refresh", new Job("gb", 1)), new EventMessage("job/refresh", new Job("de", 2))]);

        // "gb" has one slot for both functions; "de" is another value, with its own slot.
        await probe.WaitUntilAsync(p => p.Inside().Count == 2, "one gb run and the de run inside");
        Assert.Equal(["gb", "de"], probe.Inside().Select(j => j.Key).Order().Reverse());
        var firstGb = probe.Inside().Single(j => j.Key == "gb").N;
        probe.Release(firstGb);
        probe.Release(2);
        await probe.WaitUntilAsync(p => p.Starts.Count == 3, "the other gb run to start");
        probe.Release(1 - firstGb);

        await host.WaitForRunsOfAsync("capture", 1);
        await host.WaitForRunsOfAsync("refresh", 2);
        Assert.Equal(1, probe.MaxInside("gb"));
    }

    [Fact]
    public async Task Concurrency_FunctionScope_SameKeyValueInTwoFunctionsHasSeparateSlots()
    {
        var probe = new FlowProbe(TimeProvider.System);
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<Job>("capture", f => f.OnEvent("job/capture").Concurrency(1, "event.data.key"), ctx => ctx.Step.Run("work", token => probe.EnterAsync(ctx.Data, token)))
            .AddFunction<Job>("refresh", f => f.OnEvent("job/refresh").Concurrency(1, "event.data.key"), ctx => ctx.Step.Run("work", token => probe.EnterAsync(ctx.Data, token))));

        await host.Client.SendAsync([new EventMessage("job/capture", new Job("gb", 0)), new EventMessage("job/refresh", new Job("gb", 1))]);

        await probe.WaitUntilAsync(p => p.Inside().Count == 2, "both runs inside");
        probe.Release(0);
        probe.Release(1);
        await host.WaitForRunsOfAsync("refresh", 1);
        await host.WaitForRunsOfAsync("capture", 1);
    }

    [Fact]
    public async Task Concurrency_TwoConstraints_BothHold()
    {
        var probe = new FlowProbe(TimeProvider.System);

        // Per key at most 2, and at most 3 across the function.
        await using var host = await StartAsync(probe, f => f.Concurrency(2, "event.data.key").Concurrency(3));
        var jobs = Enumerable.Range(0, 12).Select(n => new Job(n % 2 == 0 ? "a" : "b", n)).ToArray();
        await SendJobsAsync(host, jobs);

        var finished = 0;
        while (finished < jobs.Length)
        {
            var left = jobs.Length - finished;
            await probe.WaitUntilAsync(p => p.Inside().Count == Math.Min(3, left), "the function's slots filled");
            Assert.All(probe.Inside().GroupBy(j => j.Key), g => Assert.True(g.Count() <= 2));
            probe.Release(probe.Inside()[0].N);
            finished++;
        }

        await host.WaitForRunsOfAsync("capture", jobs.Length);
        Assert.True(probe.MaxInside("a") <= 2 && probe.MaxInside("b") <= 2);
    }

    [Fact]
    public async Task Concurrency_KeyFailsToEvaluate_RunQueuedUnderEmptyKeyWithErrorRecorded()
    {
        var probe = new FlowProbe(TimeProvider.System);
        await using var host = await StartAsync(probe, f => f.Concurrency(1, "event.data.key * 2"));

        var ids = await SendJobsAsync(host, [new Job("not-a-number", 0)]);
        var runId = await host.WaitForRunOfEventAsync(ids[0], "capture");
        await probe.WaitUntilAsync(p => p.Inside().Count == 1, "the run inside");

        var run = await host.Inspector.GetRunAsync(runId);
        Assert.Equal("FlowKeyError", run!.Error!.Type);
        Assert.Contains("event.data.key * 2", run.Error.Message, StringComparison.Ordinal);
        var key = Assert.Single(await host.Inspector.GetFlowKeysAsync("capture"));
        Assert.Equal(("capture", "", 1), (key.FunctionId, key.Key, key.Running));
        probe.Release(0);
        Assert.Equal(RunStatus.Completed, (await host.WaitForRunAsync(runId)).Status);
    }
}

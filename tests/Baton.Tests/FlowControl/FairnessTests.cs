using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.FlowControl;

public sealed class FairnessTests
{
    [Theory]
    [InlineData(300, 10, 4)]
    [InlineData(200, 5, 8)]
    public async Task Fairness_BigBacklogOnOneKey_SmallKeyStartsWithinItsFairShare(int big, int small, int batch)
    {
        var probe = new FlowProbe(TimeProvider.System, hold: false);
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<Job>("capture", f => f.OnEvent("job/go").Concurrency(10_000, "event.data.key"), ctx => ctx.Step.Run("work", token => probe.EnterAsync(ctx.Data, token)))
            .Configure(o =>
            {
                o.MaxConcurrentRuns = batch;
                o.ClaimBatchSize = batch;
            }));

        // The big key's runs are all older than the small key's.
        var events = Enumerable.Range(0, big).Select(n => new Job("big", n)).Concat(Enumerable.Range(big, small).Select(n => new Job("small", n)))
            .Select(j => new EventMessage("job/go", j)).ToArray();
        await host.Client.SendAsync(events);
        await probe.WaitUntilAsync(p => p.Starts.Count == big + small, "every run to start");

        // Claims alternate between the two keys, so the small key's runs are among the first 2 × small claimed, give or
        // take one claim's runs. The probe sees them in the order their steps begin, and up to `batch` runs execute at
        // once: on a loaded machine a run's step can begin after the steps of runs claimed up to one claim later. (Served
        // first come first, the small key would start after all `big` runs: 200 or 300.)
        var positions = probe.Starts.Select((s, i) => (s.Job.Key, i)).Where(s => s.Key == "small").Select(s => s.i).ToArray();
        Assert.Equal(small, positions.Length);
        Assert.True(positions.Max() < (2 * small) + (2 * batch), $"small key started at {string.Join(", ", positions)}");
    }
}

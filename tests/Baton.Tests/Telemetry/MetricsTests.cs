using Baton.Telemetry;
using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Baton.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class MetricsTests
{
    private static MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(null, BatonDiagnostics.Name, instrument);

    private static List<CollectedMeasurement<T>> Of<T>(MetricCollector<T> collector, string functionId)
        where T : struct
        => collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue(BatonDiagnostics.FunctionTag, out var f) && (string?)f == functionId).ToList();

    [Fact]
    public async Task Runs_CompletedAndFailed_AreCountedPerFunction()
    {
        using var started = Collect<long>("baton.runs.started");
        using var completed = Collect<long>("baton.runs.completed");
        using var failed = Collect<long>("baton.runs.failed");
        await using var host = await BatonTestHost.StartAsync(b => b
            .AddFunction<object>("metrics-ok", f => f.OnEvent("metrics/go"), async ctx =>
            {
                await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1));
            })
            .AddFunction<object>("metrics-bad", f => f.OnEvent("metrics/go").Retries(0), _ => throw new InvalidOperationException("no")));

        var eventId = await host.SendAsync("metrics/go");
        var okId = await host.WaitForRunOfEventAsync(eventId, "metrics-ok");
        await host.WaitForStatusAsync(okId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        await host.WaitForRunAsync(okId);
        await host.WaitForRunAsync(await host.WaitForRunOfEventAsync(eventId, "metrics-bad"));

        // A run resumed after its sleep is not started again.
        Assert.Equal(1, Of(started, "metrics-ok").Sum(m => m.Value));
        Assert.Equal(1, Of(started, "metrics-bad").Sum(m => m.Value));
        Assert.Equal(1, Of(completed, "metrics-ok").Sum(m => m.Value));
        Assert.Empty(Of(completed, "metrics-bad"));
        Assert.Equal(1, Of(failed, "metrics-bad").Sum(m => m.Value));
        Assert.Empty(Of(failed, "metrics-ok"));
    }

    [Fact]
    public async Task Runs_Cancelled_AreCountedPerFunction()
    {
        using var cancelled = Collect<long>("baton.runs.cancelled");
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "metrics-cancel",
            f => f.OnEvent("metrics/cancel"),
            async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromHours(1))));
        var runId = await host.StartRunAsync("metrics/cancel", null, "metrics-cancel");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);

        await host.Client.CancelRunAsync(runId, "stop");
        await host.Client.CancelRunAsync(runId, "again");

        Assert.Equal(1, Of(cancelled, "metrics-cancel").Sum(m => m.Value));
    }

    [Fact]
    public async Task StepDuration_EachAttempt_IsRecordedWithKind()
    {
        using var duration = Collect<double>("baton.step.duration");
        var calls = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "metrics-steps",
            f => f.OnEvent("metrics/steps").Retry(new RetryPolicy { Jitter = 0 }),
            async ctx =>
            {
                await ctx.Step.Run("a", () => Task.FromResult(1));
                await ctx.Step.Run("b", () => ++calls == 1 ? Task.FromException<int>(new InvalidOperationException("once")) : Task.FromResult(2));
            }));

        var runId = await host.StartRunAsync("metrics/steps", null, "metrics-steps");
        var (run, _) = await host.AdvanceThroughRetriesAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        var measurements = Of(duration, "metrics-steps");
        Assert.Equal(3, measurements.Count);
        Assert.All(measurements, m => Assert.Equal("Run", m.Tags[BatonDiagnostics.StepKindTag]));
        Assert.All(measurements, m => Assert.True(m.Value >= 0));
    }

    [Fact]
    public async Task StepsInFlight_StepRunning_CountsItUntilItEnds()
    {
        using var inFlight = Collect<long>("baton.steps.in_flight");
        var gate = new Gate();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "metrics-in-flight",
            f => f.OnEvent("metrics/hold"),
            async ctx => await ctx.Step.Run("hold", token => gate.PassAsync(token))));

        var runId = await host.StartRunAsync("metrics/hold", null, "metrics-in-flight");
        await gate.WaitEnteredAsync();
        var during = inFlight.GetMeasurementSnapshot().Sum(m => m.Value);
        gate.Release();
        await host.WaitForRunAsync(runId);
        var after = inFlight.GetMeasurementSnapshot().Sum(m => m.Value);

        Assert.Equal(1, during);
        Assert.Equal(0, after);
    }

    [Fact]
    public async Task QueueLag_RunClaimedAfterItWasDue_RecordsTheDelay()
    {
        using var lag = Collect<double>("baton.queue.lag");
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "metrics-lag",
            f => f.OnEvent("metrics/lag"),
            async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1))));

        var runId = await host.StartRunAsync("metrics/lag", null, "metrics-lag");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(30));
        await host.WaitForRunAsync(runId);

        // Claimed at once when created (no lag); woken 30 s after it was due, because the clock jumped past it.
        Assert.Equal([0d, 30_000d], Of(lag, "metrics-lag").Select(m => m.Value));
    }
}

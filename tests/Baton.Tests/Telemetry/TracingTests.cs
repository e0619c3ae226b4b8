using System.Collections.Concurrent;
using System.Diagnostics;
using Baton.Telemetry;
using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TracingTests
{
    /// <summary>Records Baton's finished spans of one function.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly string _functionId;
        private readonly object _gate = new();
        private readonly List<(Func<Activity, bool> Match, TaskCompletionSource Done)> _waiters = [];

        public SpanRecorder(string functionId)
        {
            _functionId = functionId;
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == BatonDiagnostics.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Stopped,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentQueue<Activity> Spans { get; } = new();

        public Task WaitForAsync(Func<Activity, bool> match)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (Spans.Any(match))
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((match, done));
            }

            return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public void Dispose() => _listener.Dispose();

        private void Stopped(Activity activity)
        {
            if ((string?)activity.GetTagItem(BatonDiagnostics.FunctionTag) != _functionId)
            {
                return;
            }

            lock (_gate)
            {
                Spans.Enqueue(activity);
                foreach (var waiter in _waiters.Where(w => w.Match(activity)).ToList())
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    [Fact]
    public async Task Spans_RunWithStepsAndRetry_OneRunSpanPerExecutionAndOneStepSpanPerAttempt()
    {
        using var recorder = new SpanRecorder("traced");
        var calls = 0;
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "traced",
            f => f.OnEvent("traced/go").Retry(new RetryPolicy { Jitter = 0 }),
            async ctx =>
            {
                await ctx.Step.Run("a", () => Task.FromResult(1));
                await ctx.Step.Run("b", () => ++calls == 1 ? Task.FromException<int>(new InvalidOperationException("once")) : Task.FromResult(2));
            }));

        var runId = await host.StartRunAsync("traced/go", null, "traced");
        await host.AdvanceThroughRetriesAsync(runId);
        await recorder.WaitForAsync(a => a.OperationName == "baton.run" && (string?)a.GetTagItem(BatonDiagnostics.OutcomeTag) == "completed");

        var runSpans = recorder.Spans.Where(s => s.OperationName == "baton.run").ToList();
        var stepSpans = recorder.Spans.Where(s => s.OperationName == "baton.step").ToList();
        Assert.Equal(2, runSpans.Count);
        Assert.All(runSpans, s => Assert.Equal(runId, s.GetTagItem(BatonDiagnostics.RunTag)));
        Assert.Equal(["suspended", "completed"], runSpans.Select(s => (string?)s.GetTagItem(BatonDiagnostics.OutcomeTag)));
        Assert.Equal(
            [("a", 1, "completed"), ("b", 1, "failed"), ("b", 2, "completed")],
            stepSpans.Select(s => ((string)s.GetTagItem(BatonDiagnostics.StepTag)!, (int)s.GetTagItem(BatonDiagnostics.AttemptTag)!, (string)s.GetTagItem(BatonDiagnostics.OutcomeTag)!)));
        Assert.All(stepSpans, s => Assert.Equal("Run", s.GetTagItem(BatonDiagnostics.StepKindTag)));
        Assert.All(stepSpans, s => Assert.Equal(runId, s.GetTagItem(BatonDiagnostics.RunTag)));

        // Step spans are children of the run span of the execution they ran in.
        Assert.Equal(runSpans[0].SpanId, stepSpans[0].ParentSpanId);
        Assert.Equal(runSpans[0].SpanId, stepSpans[1].ParentSpanId);
        Assert.Equal(runSpans[1].SpanId, stepSpans[2].ParentSpanId);
    }

    [Fact]
    public async Task Spans_RunFails_RunSpanHasFailedOutcomeAndErrorStatus()
    {
        using var recorder = new SpanRecorder("traced-failure");
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "traced-failure",
            f => f.OnEvent("traced/fail"),
            async ctx => await ctx.Step.Run("boom", () => Task.FromException(new NonRetriableException("broken")))));

        var run = await host.SendAndWaitAsync("traced/fail");
        await recorder.WaitForAsync(a => a.OperationName == "baton.run");

        Assert.Equal(RunStatus.Failed, run.Status);
        var runSpan = Assert.Single(recorder.Spans, s => s.OperationName == "baton.run");
        Assert.Equal("failed", runSpan.GetTagItem(BatonDiagnostics.OutcomeTag));
        Assert.Equal(ActivityStatusCode.Error, runSpan.Status);
        var stepSpan = Assert.Single(recorder.Spans, s => s.OperationName == "baton.step");
        Assert.Equal("failed", stepSpan.GetTagItem(BatonDiagnostics.OutcomeTag));
        Assert.Equal(ActivityStatusCode.Error, stepSpan.Status);
    }

    [Fact]
    public async Task Spans_SleepStep_SpanForRegistrationAndForCompletion()
    {
        using var recorder = new SpanRecorder("traced-sleep");
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "traced-sleep",
            f => f.OnEvent("traced/sleep"),
            ctx => ctx.Step.Sleep("nap", TimeSpan.FromMinutes(1))));

        var runId = await host.WaitForRunOfEventAsync(await host.SendAsync("traced/sleep"));
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        await host.WaitForRunAsync(runId);
        await recorder.WaitForAsync(a => a.OperationName == "baton.step" && (string?)a.GetTagItem(BatonDiagnostics.OutcomeTag) == "completed");

        var sleeps = recorder.Spans.Where(a => a.OperationName == "baton.step").ToList();
        Assert.All(sleeps, a => Assert.Equal("Sleep", a.GetTagItem(BatonDiagnostics.StepKindTag)));
        Assert.Equal(["waiting", "completed"], sleeps.Select(a => (string?)a.GetTagItem(BatonDiagnostics.OutcomeTag)));
    }
}

using System.Diagnostics;
using Baton.Functions;
using Baton.Internal;
using Baton.Storage;
using Baton.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Execution;

/// <summary>
/// One execution of a leased run in this process: runs the function's code, executes and records its
/// steps, and ends in exactly one outcome (completed, failed, suspended, or abandoned after a lost lease).
/// </summary>
/// <remarks>
/// There is no replay per step: after a step's result commits, the code simply continues. A step that must
/// pause the run (sleep, wait, retry backoff, invoke) returns a task that never completes; once no step is
/// executing any more the run is suspended, and it resumes later by replaying from the top with the
/// recorded steps returning at once.
/// </remarks>
internal sealed partial class RunExecution
{
    private readonly BatonEngine _engine;
    private readonly object _gate = new();
    private readonly object _logGate = new();
    private readonly TaskCompletionSource<Outcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _runCts = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lazy<IReadOnlyList<BatonEvent>> _events;
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StepInfo> _history;
    private readonly Dictionary<int, StepInfo> _historyByPosition;
    private readonly int _replayUntil;
    private int _nextPosition;
    private int _inFlight;
    private bool _suspendRequested;
    private DateTimeOffset? _wakeAt;
    private RunStatus _suspendStatus = RunStatus.Queued;
    private volatile bool _draining;

    public RunExecution(BatonEngine engine, ClaimedRun claim, FunctionDefinition function, IReadOnlyList<StepInfo> steps, IServiceProvider services)
    {
        _engine = engine;
        Claim = claim;
        Function = function;
        Services = services;
        Lease = new LeaseRef(claim.RunId, engine.Options.WorkerId, claim.Token);
        _events = new Lazy<IReadOnlyList<BatonEvent>>(() => StoreJson.Events(claim.TriggerJson), LazyThreadSafetyMode.ExecutionAndPublication);
        _history = new Dictionary<string, StepInfo>(steps.Count, StringComparer.Ordinal);
        _historyByPosition = new Dictionary<int, StepInfo>(steps.Count);
        foreach (var step in steps)
        {
            _history[step.Id] = step;
            _historyByPosition[step.Position] = step;
            _replayUntil = Math.Max(_replayUntil, step.Position + 1);
        }

        Progress = new ProgressReporter(this, claim.Progress);
        Logger = engine.RunLogger;
        FunctionLogger = new RunLogCapture(this, engine.RunLogger, engine.Options.RunLogs);
    }

    public ClaimedRun Claim { get; }

    public FunctionDefinition Function { get; }

    public LeaseRef Lease { get; }

    /// <summary>The trigger events, parsed on first use (many functions never read them).</summary>
    public IReadOnlyList<BatonEvent> Events => _events.Value;

    public IServiceProvider Services { get; }

    public ProgressReporter Progress { get; }

    /// <summary>The engine's own messages about this run (host logging only).</summary>
    public ILogger Logger { get; }

    /// <summary>The logger the run's code writes to: host logging, and stored with the run.</summary>
    public RunLogCapture FunctionLogger { get; }

    public CancellationToken RunToken => _runCts.Token;

    internal BatonEngine Engine => _engine;

    /// <summary>True while a resumed run's code is still requesting steps that history already holds.</summary>
    internal bool IsReplaying => Volatile.Read(ref _nextPosition) < _replayUntil;

    private TimeProvider Time => _engine.Time;

    /// <summary>Asks the run to stop after the step in flight: the next step request suspends it for another worker.</summary>
    public void Drain()
    {
        _draining = true;
        lock (_gate)
        {
            if (_inFlight == 0)
            {
                _suspendRequested = true;
                _wakeAt = Time.GetUtcNow();
                _suspendStatus = RunStatus.Queued;
            }
        }

        CheckQuiescent();
    }

    /// <summary>Completes when the execution's outcome is recorded.</summary>
    public Task Completion => _completion.Task;

    /// <summary>After the shutdown grace period: stop now and hand the run back to the queue.</summary>
    public Task ReleaseAsync()
    {
        if (Settle(Outcome.Suspend(RunStatus.Queued, Time.GetUtcNow())))
        {
            _runCts.Cancel();
        }

        return Completion;
    }

    /// <summary>Executes the run to one outcome and records it.</summary>
    public async Task ExecuteAsync()
    {
        try
        {
            await ExecuteCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _completion.TrySetResult();
        }
    }

    private async Task ExecuteCoreAsync()
    {
        using var activity = BatonDiagnostics.Source.HasListeners()
            ? BatonDiagnostics.Source.StartActivity("baton.run", ActivityKind.Internal)
            : null;
        activity?.SetTag(BatonDiagnostics.FunctionTag, Function.Id);
        activity?.SetTag(BatonDiagnostics.RunTag, Lease.RunId);
        activity?.SetTag(BatonDiagnostics.AttemptTag, Claim.Attempt + 1);

        var now = Time.GetUtcNow();
        if (Claim.Claims == 1)
        {
            BatonDiagnostics.RunStarted(Function.Id);
            if (Function.StartTimeout is { } startTimeout && now - Claim.CreatedAt > startTimeout)
            {
                await RecordAsync(Outcome.Fail(new ErrorInfo("StartTimeout", $"Run did not start within {startTimeout} (waited {now - Claim.CreatedAt})")), activity).ConfigureAwait(false);
                return;
            }
        }

        ITimer? deadlineTimer = null;
        if (Function.FinishTimeout is { } finishTimeout)
        {
            var deadline = Claim.StartedAt + finishTimeout;
            if (now >= deadline)
            {
                await RecordAsync(FinishTimeoutOutcome(finishTimeout), activity).ConfigureAwait(false);
                return;
            }

            deadlineTimer = Time.CreateTimer(
                static state =>
                {
                    var self = (RunExecution)state!;
                    if (self.Settle(self.FinishTimeoutOutcome(self.Function.FinishTimeout!.Value)))
                    {
                        self._runCts.Cancel();
                    }
                },
                this,
                deadline - now,
                Timeout.InfiniteTimeSpan);
        }

        try
        {
            _ = Task.Run(RunBodyAsync);
            var outcome = await _outcome.Task.ConfigureAwait(false);
            await RecordAsync(outcome, activity).ConfigureAwait(false);
        }
        finally
        {
            if (deadlineTimer is not null)
            {
                await deadlineTimer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task RunBodyAsync()
    {
        try
        {
            var result = await Function.Invoker(Services, this).ConfigureAwait(false);
            Settle(Outcome.Complete(result));
        }
        catch (Exception e)
        {
            Settle(OutcomeForBodyError(e));
        }
    }

    private Outcome OutcomeForBodyError(Exception e)
    {
        switch (e)
        {
            case OperationCanceledException when _runCts.IsCancellationRequested:
                return Outcome.Abandon;
            case StepFailedException failed:
                return Outcome.Fail(failed.Error);
            case NonRetriableException or DeterminismException:
                return Outcome.Fail(ErrorInfo.From(e));
        }

        var attempt = Claim.Attempt + 1;
        var error = ErrorInfo.From(e);
        if (attempt >= Function.Retry.MaxAttempts)
        {
            return Outcome.Fail(error);
        }

        var delay = e is RetryAfterException retryAfter ? retryAfter.Delay : Function.Retry.DelayBefore(attempt + 1, Random.Shared.NextDouble());
        return Outcome.Retry(Time.GetUtcNow() + delay, attempt, error);
    }

    /// <summary>
    /// A parked run (sleep, wait, step or body retry) is due again no later than its finish deadline, so a run
    /// past its deadline is failed on time rather than when its wait or backoff ends.
    /// </summary>
    private DateTimeOffset? WakeNoLaterThanDeadline(DateTimeOffset? wake)
    {
        if (Function.FinishTimeout is not { } finish)
        {
            return wake;
        }

        var deadline = Claim.StartedAt + finish;
        return wake is null || deadline < wake ? deadline : wake;
    }

    private Outcome FinishTimeoutOutcome(TimeSpan timeout) => Outcome.Fail(new ErrorInfo("FinishTimeout", $"Run did not finish within {timeout}"));

    /// <summary>Sets the outcome once; later calls lose.</summary>
    private bool Settle(Outcome outcome) => _outcome.TrySetResult(outcome);

    private async Task RecordAsync(Outcome outcome, Activity? activity)
    {
        var writer = _engine.Writer;
        var now = Time.GetUtcNow();
        var progress = Progress.Current;
        try
        {
            switch (outcome.Kind)
            {
                case OutcomeKind.Completed:
                    var output = outcome.Result is null ? null : BatonJson.Serialize(outcome.Result);
                    await FinishAsync(new FinishRunCommand { Lease = Lease, Status = RunStatus.Completed, OutputJson = output, Progress = progress, Now = now, FlowControlled = Function.Flow is not null, Logs = FunctionLogger.Take() }).ConfigureAwait(false);
                    break;
                case OutcomeKind.Failed:
                    Log.RunFailed(Logger, Lease.RunId, Function.Id, outcome.Error!.Type, outcome.Error.Message);
                    await FinishAsync(new FinishRunCommand { Lease = Lease, Status = RunStatus.Failed, Error = outcome.Error, Progress = progress, FailureRun = FailureRun(outcome.Error, now), Now = now, FlowControlled = Function.Flow is not null, Logs = FunctionLogger.Take() }).ConfigureAwait(false);
                    break;
                case OutcomeKind.Suspended:
                    var status = outcome.Status;
                    var fence = await writer.SuspendAsync(
                        new SuspendRunCommand(Lease, status, WakeNoLaterThanDeadline(outcome.WakeAt), outcome.Attempt ?? Claim.Attempt, outcome.Error, progress, now) { FlowControlled = Function.Flow is not null, Logs = FunctionLogger.Take() },
                        r => _engine.Changes.Publish(new RunChange(Lease.RunId, Function.Id, status, r == FenceResult.Applied))).ConfigureAwait(false);
                    if (fence == FenceResult.LeaseLost)
                    {
                        Log.LeaseLost(Logger, Lease.RunId);
                    }

                    break;
                default:
                    Log.LeaseLost(Logger, Lease.RunId);
                    break;
            }
        }
        catch (Exception e)
        {
            // The lease will expire and another claim resumes the run; nothing is lost.
            Log.ExecutionError(Logger, Lease.RunId, e);
        }

        activity?.SetTag(BatonDiagnostics.OutcomeTag, OutcomeTagValue(outcome));
        if (outcome.Kind == OutcomeKind.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Error!.Message);
        }
    }

    /// <summary>The documented value of <see cref="BatonDiagnostics.OutcomeTag"/> for an outcome.</summary>
    private static string OutcomeTagValue(Outcome outcome) => outcome.Kind switch
    {
        OutcomeKind.Completed => "completed",
        OutcomeKind.Failed => "failed",
        OutcomeKind.Suspended => outcome.Attempt is null ? "suspended" : "retrying",
        _ => "lease_lost",
    };

    private async Task FinishAsync(FinishRunCommand command)
    {
        var fence = await _engine.Writer.FinishAsync(command, r =>
        {
            if (r == FenceResult.Applied)
            {
                BatonDiagnostics.RunFinished(Function.Id, command.Status);
            }

            _engine.Changes.Publish(new RunChange(Lease.RunId, Function.Id, command.Status, r == FenceResult.Applied));
        }).ConfigureAwait(false);
        if (fence == FenceResult.LeaseLost)
        {
            Log.LeaseLost(Logger, Lease.RunId);
        }
    }

    private NewRun? FailureRun(ErrorInfo error, DateTimeOffset now)
    {
        if (Function.FailureHandler is not { } handler)
        {
            return null;
        }

        var failure = new FunctionFailure(Function.Id, Lease.RunId, error, Events[0]);
        var failureEvent = new BatonEvent(Ulid.New(now), FunctionCompiler.FailureEventName, BatonJson.ToElement(failure), now);
        return new NewRun
        {
            RunId = Ulid.New(now),
            FunctionId = handler.Id,
            TriggerJson = BatonJson.Serialize(new[] { failureEvent }),
        };
    }

    private enum OutcomeKind
    {
        Completed,
        Failed,
        Suspended,
        Abandoned,
    }

    private sealed record Outcome(OutcomeKind Kind, object? Result = null, ErrorInfo? Error = null, RunStatus Status = RunStatus.Queued, DateTimeOffset? WakeAt = null, int? Attempt = null)
    {
        public static readonly Outcome Abandon = new(OutcomeKind.Abandoned);

        public static Outcome Complete(object? result) => new(OutcomeKind.Completed, result);

        public static Outcome Fail(ErrorInfo error) => new(OutcomeKind.Failed, Error: error);

        public static Outcome Suspend(RunStatus status, DateTimeOffset? wakeAt) => new(OutcomeKind.Suspended, Status: status, WakeAt: wakeAt);

        public static Outcome Retry(DateTimeOffset wakeAt, int attempt, ErrorInfo error) => new(OutcomeKind.Suspended, Status: RunStatus.Queued, WakeAt: wakeAt, Attempt: attempt, Error: error);
    }
}

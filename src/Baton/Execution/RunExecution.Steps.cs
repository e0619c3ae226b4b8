using System.Diagnostics;
using System.Text.Json;
using Baton.Internal;
using Baton.Storage;
using Baton.Telemetry;

namespace Baton.Execution;

internal sealed partial class RunExecution
{
    private const int MaxStepNameLength = 200;
    private static readonly TimeSpan MaxSleep = TimeSpan.FromDays(366);

    /// <summary>A task that never completes: the run pauses here and resumes by replay.</summary>
    private static Task<T> Paused<T>() => new TaskCompletionSource<T>().Task;

    public async Task<T> RunStepAsync<T>(string name, Func<CancellationToken, Task<T>> work, StepOptions? options)
    {
        var request = Request(name, StepKind.Run);
        var recorded = request.Recorded;
        if (recorded is not null)
        {
            switch (recorded.Status)
            {
                case StepStatus.Completed:
                    return recorded.Output is null ? default! : BatonJson.Deserialize<T>(recorded.Output)!;
                case StepStatus.Failed:
                    throw new StepFailedException(request.Id, recorded.Attempts, recorded.Error!);
                case StepStatus.Retrying or StepStatus.Waiting when recorded.WakeAt > Time.GetUtcNow():
                    return await SuspendAt<T>(RunStatus.Queued, recorded.WakeAt).ConfigureAwait(false);
            }
        }

        // Bad options are a bug in the code, not a failed attempt: fail at once instead of retrying them.
        if (options?.Timeout is { } stepTimeout && stepTimeout <= TimeSpan.Zero)
        {
            throw new InvalidStepException(name, "StepOptions.Timeout must be positive");
        }

        if (options?.Retries is < 0 or > 1000)
        {
            throw new InvalidStepException(name, "StepOptions.Retries must be between 0 and 1000");
        }

        var budget = ResolveResource(name, options);
        if (!TryEnter())
        {
            return await Paused<T>().ConfigureAwait(false);
        }

        if (budget is not null && !await AcquireResourceAsync(request, recorded, budget, options!.Cost).ConfigureAwait(false))
        {
            return await Paused<T>().ConfigureAwait(false);
        }

        var attempt = (recorded?.Attempts ?? 0) + 1;
        var retry = options?.Retries is { } retries ? Function.Retry with { MaxRetries = retries } : Function.Retry;
        var timeout = options?.Timeout ?? Function.StepTimeout;
        var startedAt = Time.GetUtcNow();
        var clock = Stopwatch.GetTimestamp();
        // The span covers the attempt only, and is stopped explicitly before any path that pauses this code for good
        // (a retry backoff, a lost lease): a paused await never reaches the end of the using scope.
        using var activity = BatonDiagnostics.Source.HasListeners() ? StartStepActivity(request.Id, StepKind.Run, attempt) : null;
        T result;
        try
        {
            result = await ExecuteAttemptAsync(request.Id, work, timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (!_runCts.IsCancellationRequested || e is not OperationCanceledException)
        {
            BatonDiagnostics.StepFinished(Function.Id, StepKind.Run, Stopwatch.GetElapsedTime(clock));
            activity?.SetTag(BatonDiagnostics.OutcomeTag, "failed");
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.Stop();
            if (budget is not null && IsExhaustion(e, out var retryAfter))
            {
                await PauseResourceAsync(request, recorded, budget, options!.Cost, e, retryAfter).ConfigureAwait(false);
                return await Paused<T>().ConfigureAwait(false);
            }

            return await RecordFailedAttemptAsync<T>(request, recorded, attempt, retry, startedAt, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The run itself was stopped (finish timeout); its outcome is already settled.
            activity?.Stop();
            Exit();
            return await Paused<T>().ConfigureAwait(false);
        }

        BatonDiagnostics.StepFinished(Function.Id, StepKind.Run, Stopwatch.GetElapsedTime(clock));
        activity?.SetTag(BatonDiagnostics.OutcomeTag, "completed");
        activity?.Stop();
        var write = new StepWrite
        {
            StepId = request.Id,
            Name = name,
            Position = request.Position,
            Kind = StepKind.Run,
            Status = StepStatus.Completed,
            Attempts = attempt,
            StartedAt = startedAt,
            FinishedAt = Time.GetUtcNow(),
            OutputJson = result is null ? null : BatonJson.Serialize(result),
        };
        if (!await CommitAsync(new CommitStepCommand { Lease = Lease, Step = write, Now = write.FinishedAt.Value }).ConfigureAwait(false))
        {
            return await Paused<T>().ConfigureAwait(false);
        }

        Exit();
        return result;
    }

    public async Task SleepAsync(string name, TimeSpan? duration, DateTimeOffset? until)
    {
        var request = Request(name, StepKind.Sleep);
        var now = Time.GetUtcNow();
        if (request.Recorded is { } recorded)
        {
            if (recorded.Status == StepStatus.Completed)
            {
                return;
            }

            if (recorded.WakeAt > now)
            {
                await SuspendAt<object>(RunStatus.Sleeping, recorded.WakeAt).ConfigureAwait(false);
                return;
            }

            await CompleteWaitingStepAsync(request, recorded, StepStatus.Completed, null, null, deleteWait: false).ConfigureAwait(false);
            return;
        }

        var wakeAt = until ?? now + duration!.Value;
        if (wakeAt - now > MaxSleep || (duration is { } d && d < TimeSpan.Zero))
        {
            throw new InvalidStepException(name, "a sleep must be between 0 and one year long");
        }

        if (!TryEnter())
        {
            await Paused<object>().ConfigureAwait(false);
            return;
        }

        var done = wakeAt <= now;
        var write = new StepWrite
        {
            StepId = request.Id,
            Name = name,
            Position = request.Position,
            Kind = StepKind.Sleep,
            Status = done ? StepStatus.Completed : StepStatus.Waiting,
            Attempts = 0,
            StartedAt = now,
            FinishedAt = done ? now : null,
            WakeAt = wakeAt,
        };
        if (!await CommitAsync(new CommitStepCommand { Lease = Lease, Step = write, Now = now }).ConfigureAwait(false))
        {
            await Paused<object>().ConfigureAwait(false);
        }

        if (done)
        {
            Exit();
            return;
        }

        await SuspendAndExit<object>(RunStatus.Sleeping, wakeAt).ConfigureAwait(false);
    }

    public async Task<BatonEvent?> WaitForEventAsync(string name, string eventName, TimeSpan timeout, string? match, string? condition)
    {
        var request = Request(name, StepKind.WaitForEvent);
        var now = Time.GetUtcNow();
        if (request.Recorded is { } recorded)
        {
            if (recorded.Status == StepStatus.Completed)
            {
                return recorded.Output is null or "null" ? null : BatonJson.Deserialize<BatonEvent>(recorded.Output);
            }

            if (recorded.WakeAt > now)
            {
                return await SuspendAt<BatonEvent?>(RunStatus.Waiting, recorded.WakeAt).ConfigureAwait(false);
            }

            await CompleteWaitingStepAsync(request, recorded, StepStatus.Completed, "null", null, deleteWait: true).ConfigureAwait(false);
            return null;
        }

        if (EventValidation.CheckName(eventName) is { } problem)
        {
            throw new InvalidStepException(name, problem);
        }

        if (timeout <= TimeSpan.Zero || timeout > MaxSleep)
        {
            throw new InvalidStepException(name, "the timeout must be between 0 and one year");
        }

        if ((match is null) == (condition is null))
        {
            throw new InvalidStepException(name, "give exactly one of match (a field path such as data.orderId) or if (an expression)");
        }

        string text;
        try
        {
            text = match is not null ? FunctionCompiler.MatchCondition(Function.Id, "match", match) : BatonExpression.Parse(condition!).Text;
        }
        catch (BatonException e)
        {
            throw new InvalidStepException(name, e.Message);
        }

        if (!TryEnter())
        {
            return await Paused<BatonEvent?>().ConfigureAwait(false);
        }

        var wakeAt = now + timeout;
        var write = new StepWrite
        {
            StepId = request.Id,
            Name = name,
            Position = request.Position,
            Kind = StepKind.WaitForEvent,
            Status = StepStatus.Waiting,
            Attempts = 0,
            StartedAt = now,
            WakeAt = wakeAt,
            DetailJson = BatonJson.Serialize(new { @event = eventName, condition = text }),
        };
        var wait = new NewWait(Lease.RunId, request.Id, eventName, text, Claim.TriggerJson, wakeAt);
        if (!await CommitAsync(new CommitStepCommand { Lease = Lease, Step = write, Wait = wait, Now = now }).ConfigureAwait(false))
        {
            return await Paused<BatonEvent?>().ConfigureAwait(false);
        }

        return await SuspendAndExit<BatonEvent?>(RunStatus.Waiting, wakeAt).ConfigureAwait(false);
    }

    public async Task<T?> InvokeAsync<T>(string name, string functionId, object? payload, TimeSpan? timeout)
    {
        var request = Request(name, StepKind.Invoke);
        var now = Time.GetUtcNow();
        if (request.Recorded is { } recorded)
        {
            switch (recorded.Status)
            {
                case StepStatus.Completed:
                    return recorded.Output is null ? default : BatonJson.Deserialize<T>(recorded.Output);
                case StepStatus.Failed:
                    throw new StepFailedException(request.Id, recorded.Attempts, recorded.Error!);
            }

            if (recorded.WakeAt is null || recorded.WakeAt > now)
            {
                return await SuspendAt<T?>(RunStatus.Waiting, recorded.WakeAt).ConfigureAwait(false);
            }

            var childRunId = recorded.Detail is null ? "?" : JsonDocument.Parse(recorded.Detail).RootElement.GetProperty("runId").GetString()!;
            var error = ErrorInfo.From(new InvokeTimeoutException(request.Id, childRunId));
            await CompleteWaitingStepAsync(request, recorded, StepStatus.Failed, null, error, deleteWait: false).ConfigureAwait(false);
            throw new StepFailedException(request.Id, 1, error);
        }

        if (_engine.Registry.Find(functionId) is null)
        {
            throw new InvalidStepException(name, $"function '{functionId}' is not registered");
        }

        if (timeout is { } t && (t <= TimeSpan.Zero || t > MaxSleep))
        {
            throw new InvalidStepException(name, "the timeout must be between 0 and one year");
        }

        if (!TryEnter())
        {
            return await Paused<T?>().ConfigureAwait(false);
        }

        var childId = Ulid.New(now);
        var invokeEvent = new BatonEvent(childId, FunctionCompiler.InvokeEventName, BatonJson.ToElement(payload), now);
        var wakeAt = timeout is { } timeoutValue ? now + timeoutValue : (DateTimeOffset?)null;
        var write = new StepWrite
        {
            StepId = request.Id,
            Name = name,
            Position = request.Position,
            Kind = StepKind.Invoke,
            Status = StepStatus.Waiting,
            Attempts = 1,
            StartedAt = now,
            WakeAt = wakeAt,
            DetailJson = BatonJson.Serialize(new { functionId, runId = childId }),
        };
        var child = new NewRun
        {
            RunId = childId,
            FunctionId = functionId,
            TriggerJson = BatonJson.Serialize(new[] { invokeEvent }),
            ParentRunId = Lease.RunId,
            ParentStepId = request.Id,
        };
        if (_engine.Registry.Find(functionId)?.Flow is { } flow)
        {
            child = child with { Flow = flow.Plan(functionId, child.TriggerJson) };
        }

        if (!await CommitAsync(new CommitStepCommand { Lease = Lease, Step = write, ChildRun = child, Now = now }).ConfigureAwait(false))
        {
            return await Paused<T?>().ConfigureAwait(false);
        }

        _engine.Changes.Publish(new RunChange(childId, functionId, RunStatus.Queued, true));
        return await SuspendAndExit<T?>(RunStatus.Waiting, wakeAt).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> SendEventsAsync(string name, EventMessage[] events)
    {
        var request = Request(name, StepKind.SendEvent);
        if (request.Recorded is { } recorded)
        {
            return BatonJson.Deserialize<string[]>(recorded.Output) ?? [];
        }

        var now = Time.GetUtcNow();
        var records = _engine.ToRecords(events, now);
        if (!TryEnter())
        {
            return await Paused<IReadOnlyList<string>>().ConfigureAwait(false);
        }

        var ids = records.Select(r => r.Id).ToArray();
        var write = new StepWrite
        {
            StepId = request.Id,
            Name = name,
            Position = request.Position,
            Kind = StepKind.SendEvent,
            Status = StepStatus.Completed,
            Attempts = 1,
            StartedAt = now,
            FinishedAt = now,
            OutputJson = BatonJson.Serialize(ids),
        };
        var ingest = new IngestCommand(records, _engine.Router, now, _engine.Options.EventDedupeWindow);
        if (!await CommitAsync(new CommitStepCommand { Lease = Lease, Step = write, Events = ingest, Now = now }).ConfigureAwait(false))
        {
            return await Paused<IReadOnlyList<string>>().ConfigureAwait(false);
        }

        Exit();
        return ids;
    }

    private async Task<T> RecordFailedAttemptAsync<T>(StepRequest request, StepInfo? recorded, int attempt, RetryPolicy retry, DateTimeOffset startedAt, Exception exception)
    {
        var now = Time.GetUtcNow();
        var error = ErrorInfo.From(exception);
        var final = exception is NonRetriableException || attempt >= retry.MaxAttempts;
        var wakeAt = final ? (DateTimeOffset?)null : now + (exception is RetryAfterException ra ? ra.Delay : retry.DelayBefore(attempt + 1, Random.Shared.NextDouble()));
        var write = new StepWrite
        {
            StepId = request.Id,
            Name = request.Name,
            Position = request.Position,
            Kind = StepKind.Run,
            Status = final ? StepStatus.Failed : StepStatus.Retrying,
            Attempts = attempt,
            StartedAt = startedAt,
            FinishedAt = final ? now : null,
            WakeAt = wakeAt,
            Error = error,
        };
        var command = new CommitStepCommand
        {
            Lease = Lease,
            Step = write,
            FailedAttempt = new StepAttempt(attempt, startedAt, now, error),
            Now = now,
        };
        if (!await CommitAsync(command).ConfigureAwait(false))
        {
            return await Paused<T>().ConfigureAwait(false);
        }

        if (final)
        {
            Exit();
            throw new StepFailedException(request.Id, attempt, error);
        }

        Log.StepRetrying(Logger, request.Id, Lease.RunId, attempt, wakeAt!.Value, error.Message);
        return await SuspendAndExit<T>(RunStatus.Queued, wakeAt).ConfigureAwait(false);
    }

    /// <summary>Records the end of a sleep, a timed-out wait or a timed-out invoke found on replay.</summary>
    private async Task CompleteWaitingStepAsync(StepRequest request, StepInfo recorded, StepStatus status, string? output, ErrorInfo? error, bool deleteWait)
    {
        if (!TryEnter())
        {
            await Paused<object>().ConfigureAwait(false);
        }

        var now = Time.GetUtcNow();
        var write = new StepWrite
        {
            StepId = request.Id,
            Name = request.Name,
            Position = request.Position,
            Kind = recorded.Kind,
            Status = status,
            Attempts = recorded.Attempts,
            StartedAt = recorded.StartedAt,
            FinishedAt = now,
            WakeAt = recorded.WakeAt,
            OutputJson = output,
            Error = error,
            DetailJson = recorded.Detail,
        };
        if (!await CommitAsync(new CommitStepCommand { Lease = Lease, Step = write, DeleteWait = deleteWait, Now = now }).ConfigureAwait(false))
        {
            await Paused<object>().ConfigureAwait(false);
        }

        Exit();
    }

    private async Task<T> ExecuteAttemptAsync<T>(string stepId, Func<CancellationToken, Task<T>> work, TimeSpan? timeout)
    {
        // Flows into the step's body only (this method's async context), so its log lines carry the step id.
        RunLogCapture.EnterStep(stepId);
        if (timeout is not { } limit)
        {
            return await work(_runCts.Token).ConfigureAwait(false);
        }

        using var timeoutCts = new CancellationTokenSource(limit, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_runCts.Token, timeoutCts.Token);
        try
        {
            return await work(linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !_runCts.IsCancellationRequested)
        {
            throw new StepTimeoutException(stepId, limit);
        }
    }

    /// <summary>Commits through the group-commit writer; false when the lease is lost (the execution is then dead).</summary>
    private async Task<bool> CommitAsync(CommitStepCommand command)
    {
        // Run steps trace their attempts themselves; the other kinds get a span for each change they record
        // (a sleep or wait registered, resolved or timed out; an invoke started; events sent).
        var step = command.Step;
        using var activity = step.Kind != StepKind.Run && BatonDiagnostics.Source.HasListeners()
            ? StartStepActivity(step.StepId, step.Kind, step.Attempts)
            : null;
        activity?.SetTag(BatonDiagnostics.OutcomeTag, step.Status.ToString().ToLowerInvariant());
        FenceResult fence;
        try
        {
            Task<FenceResult> commit;
            lock (_logGate)
            {
                // Taken and queued together, so parallel steps' lines are stored in the order they were written.
                commit = _engine.Writer.CommitStepAsync(command with { Logs = FunctionLogger.Take() });
            }

            fence = await commit.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The store refused the write: give the run up here; its lease expires and it resumes elsewhere.
            Log.ExecutionError(Logger, Lease.RunId, e);
            fence = FenceResult.LeaseLost;
        }

        if (fence == FenceResult.Applied)
        {
            _engine.Changes.Publish(new StepChange(Lease.RunId, command.Step.StepId, command.Step.Status));
            return true;
        }

        Settle(Outcome.Abandon);
        Exit();
        return false;
    }

    private Activity? StartStepActivity(string stepId, StepKind kind, int attempt)
    {
        var activity = BatonDiagnostics.Source.StartActivity("baton.step", ActivityKind.Internal);
        activity?.SetTag(BatonDiagnostics.FunctionTag, Function.Id);
        activity?.SetTag(BatonDiagnostics.RunTag, Lease.RunId);
        activity?.SetTag(BatonDiagnostics.StepTag, stepId);
        activity?.SetTag(BatonDiagnostics.StepKindTag, kind.ToString());
        activity?.SetTag(BatonDiagnostics.AttemptTag, attempt);
        return activity;
    }

    private StepRequest Request(string name, StepKind kind)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxStepNameLength || name.Contains('#', StringComparison.Ordinal) || name.Any(char.IsControl))
        {
            throw new InvalidStepException(name ?? "", $"a step name must be 1 to {MaxStepNameLength} characters, without '#' or control characters");
        }

        string id;
        int position;
        lock (_gate)
        {
            var occurrence = _occurrences.TryGetValue(name, out var n) ? n + 1 : 1;
            _occurrences[name] = occurrence;
            id = occurrence == 1 ? name : $"{name}#{occurrence}";
            position = _nextPosition++;
        }

        if (_history.TryGetValue(id, out var recorded))
        {
            if (recorded.Kind != kind || recorded.Position != position)
            {
                // Name the step history holds at this position (the one the code no longer asks for), not only the moved one.
                var expected = _historyByPosition.GetValueOrDefault(position) ?? recorded;
                var moved = recorded.Position == position ? "" : $", recorded at #{recorded.Position}";
                throw Nondeterministic(position, $"{expected.Id} ({expected.Kind})", $"{id} ({kind}{moved})");
            }

            return new StepRequest(id, name, position, recorded);
        }

        if (_historyByPosition.TryGetValue(position, out var other))
        {
            throw Nondeterministic(position, $"{other.Id} ({other.Kind})", $"{id} ({kind})");
        }

        return new StepRequest(id, name, position, null);
    }

    private DeterminismException Nondeterministic(int position, string recorded, string requested)
    {
        var error = new DeterminismException(Lease.RunId, position, recorded, requested);
        Settle(Outcome.Fail(ErrorInfo.From(error)));
        return error;
    }

    private bool TryEnter()
    {
        var drained = false;
        lock (_gate)
        {
            if (_outcome.Task.IsCompleted)
            {
                return false;
            }

            if (_draining)
            {
                RequestSuspendLocked(RunStatus.Queued, Time.GetUtcNow());
                drained = true;
            }
            else
            {
                _inFlight++;
            }
        }

        if (drained)
        {
            CheckQuiescent();
            return false;
        }

        BatonDiagnostics.StepInFlight(1);
        return true;
    }

    private void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
        }

        BatonDiagnostics.StepInFlight(-1);
        CheckQuiescent();
    }

    private Task<T> SuspendAt<T>(RunStatus status, DateTimeOffset? wakeAt)
    {
        lock (_gate)
        {
            RequestSuspendLocked(status, wakeAt);
        }

        // Let the code's synchronous continuation request its parallel steps before the run is parked.
        ThreadPool.UnsafeQueueUserWorkItem(static self => self.CheckQuiescent(), this, preferLocal: false);
        return Paused<T>();
    }

    private Task<T> SuspendAndExit<T>(RunStatus status, DateTimeOffset? wakeAt)
    {
        lock (_gate)
        {
            RequestSuspendLocked(status, wakeAt);
        }

        Exit();
        return Paused<T>();
    }

    private void RequestSuspendLocked(RunStatus status, DateTimeOffset? wakeAt)
    {
        if (!_suspendRequested)
        {
            _suspendRequested = true;
            _wakeAt = wakeAt;
            _suspendStatus = status;
            return;
        }

        // Several pauses at once (parallel steps): wake at the earliest; a due retry or sleep outranks a wait.
        if (wakeAt is { } w && (_wakeAt is null || w < _wakeAt))
        {
            _wakeAt = w;
        }

        if (status != RunStatus.Waiting && _suspendStatus == RunStatus.Waiting)
        {
            _suspendStatus = status;
        }
    }

    private void CheckQuiescent()
    {
        Outcome? outcome = null;
        lock (_gate)
        {
            if (_suspendRequested && _inFlight == 0)
            {
                outcome = Outcome.Suspend(_suspendStatus, _wakeAt);
            }
        }

        if (outcome is not null)
        {
            Settle(outcome);
        }
    }

    private sealed record StepRequest(string Id, string Name, int Position, StepInfo? Recorded);
}

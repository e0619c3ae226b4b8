using System.Collections.Concurrent;
using Baton.Execution;
using Baton.Functions;
using Baton.Storage;
using Baton.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Hosting;

/// <summary>
/// The hosted worker: claims due runs in batches (woken by commits, by the next due time, or by the poll
/// interval), executes them, heartbeats their leases, fires cron ticks, and on shutdown stops claiming,
/// lets in-flight steps finish within the grace period and releases what is left.
/// </summary>
internal sealed class BatonWorker : IHostedService, IAsyncDisposable
{
    private readonly BatonEngine _engine;
    private readonly ConcurrentDictionary<string, RunExecution> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _heartbeatStop = new();
    private readonly List<Task> _loops = [];

    public BatonWorker(BatonEngine engine)
    {
        _engine = engine;
    }

    /// <summary>Runs executing in this process now.</summary>
    public int InFlight => _running.Count;

    private BatonOptions Options => _engine.Options;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        if (!Options.RunWorker)
        {
            return;
        }

        Log.WorkerStarted(_engine.Logger, Options.WorkerId, _engine.Store.ProviderName, _engine.Registry.Count);
        _loops.Add(Task.Run(DispatchLoopAsync, CancellationToken.None));
        _loops.Add(Task.Run(HeartbeatLoopAsync, CancellationToken.None));
        // Schedules count from now, taken here rather than when their loops first run, so no tick is skipped.
        var startedAt = _engine.Time.GetUtcNow();
        foreach (var function in _engine.Registry.All)
        {
            foreach (var cron in function.CronTriggers)
            {
                var scheduler = new CronScheduler(_engine, function, cron, startedAt);
                _loops.Add(Task.Run(() => scheduler.RunAsync(_stopping.Token), CancellationToken.None));
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        Log.WorkerStopping(_engine.Logger, Options.WorkerId, _running.Count);
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var execution in _running.Values)
        {
            execution.Drain();
        }

        try
        {
            await Task.WhenAll(_running.Values.Select(e => e.Completion)).WaitAsync(Options.ShutdownGracePeriod, _engine.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            var left = _running.Values.ToArray();
            Log.GraceExpired(_engine.Logger, Options.WorkerId, left.Length);
            foreach (var execution in left)
            {
                await execution.ReleaseAsync().ConfigureAwait(false);
            }
        }

        await _heartbeatStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _stopping.Dispose();
        _heartbeatStop.Dispose();
    }

    private async Task DispatchLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var free = Options.MaxConcurrentRuns - _running.Count;
                var now = _engine.Time.GetUtcNow();
                DateTimeOffset? nextDue = null;
                if (free > 0)
                {
                    var limit = Math.Min(free, Options.ClaimBatchSize);
                    var claim = await _engine.Writer.ClaimAsync(new ClaimCommand(Options.WorkerId, now, now + Options.LeaseDuration, limit)).ConfigureAwait(false);
                    foreach (var run in claim.Runs)
                    {
                        Start(run, now);
                    }

                    if (claim.Runs.Count == limit)
                    {
                        continue;
                    }

                    nextDue = claim.NextDueAt;
                }

                var wait = Options.PollInterval;
                if (nextDue is { } due && due - now < wait)
                {
                    wait = due - now;
                }

                await _engine.WorkAvailable.WaitAsync(wait, _engine.Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.DispatchFailed(_engine.Logger, e);
                try
                {
                    await Task.Delay(Options.PollInterval, _engine.Time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Start(ClaimedRun run, DateTimeOffset now)
    {
        if (run.DueAt is { } due)
        {
            BatonDiagnostics.RecordQueueLag(run.FunctionId, now - due);
        }

        _engine.Changes.Publish(new RunChange(run.RunId, run.FunctionId, RunStatus.Running));
        var task = ExecuteAsync(run, now);
        task.ContinueWith(
            (finished, state) =>
            {
                var (worker, id) = ((BatonWorker, string))state!;
                worker._running.TryRemove(id, out _);
                worker._engine.WorkAvailable.Set();
            },
            (this, run.RunId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task ExecuteAsync(ClaimedRun run, DateTimeOffset claimedAt)
    {
        await Task.Yield();
        var lease = new LeaseRef(run.RunId, Options.WorkerId, run.Token);
        if (_engine.Registry.Find(run.FunctionId) is not { } function)
        {
            var error = new ErrorInfo("FunctionNotFound", $"Function '{run.FunctionId}' is not registered in this process");
            await _engine.Writer.FinishAsync(new FinishRunCommand { Lease = lease, Status = RunStatus.Failed, Error = error, Now = claimedAt }).ConfigureAwait(false);
            return;
        }

        try
        {
            IReadOnlyList<StepInfo> steps = run.StepCount == 0
                ? []
                : await _engine.Store.GetStepsAsync(run.RunId, includeAttempts: false, CancellationToken.None).ConfigureAwait(false);
            var scope = _engine.Services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var execution = new RunExecution(_engine, run, function, steps, scope.ServiceProvider);
                _running[run.RunId] = execution;
                if (_stopping.IsCancellationRequested)
                {
                    execution.Drain();
                }

                await execution.ExecuteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Nothing was recorded for this execution: the lease expires and the run resumes.
            Log.ExecutionError(_engine.Logger, run.RunId, e);
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        var token = _heartbeatStop.Token;
        while (true)
        {
            try
            {
                await Task.Delay(Options.EffectiveHeartbeat, _engine.Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_running.IsEmpty)
            {
                continue;
            }

            try
            {
                await _engine.Writer.HeartbeatAsync(new HeartbeatCommand(Options.WorkerId, _engine.Time.GetUtcNow() + Options.LeaseDuration)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.HeartbeatFailed(_engine.Logger, e);
            }
        }
    }
}

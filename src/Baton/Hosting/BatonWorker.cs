using System.Collections.Concurrent;
using Baton.Execution;
using Baton.Functions;
using Baton.Storage;
using Baton.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Hosting;

/// <summary>
/// The hosted worker: claims due runs in batches (woken by commits, by other nodes' notifications, by the
/// next due time, or by the poll interval), executes them and heartbeats their leases; runs for leader and, while
/// it leads, fires cron ticks and prunes history; on shutdown stops claiming, lets in-flight steps finish within
/// the grace period and releases what is left.
/// </summary>
internal sealed class BatonWorker : IHostedService, IAsyncDisposable, ILocalWorker
{
    private readonly BatonEngine _engine;
    private readonly ConcurrentDictionary<string, RunExecution> _running = new(StringComparer.Ordinal);

    // Every lease this worker holds, with its execution, from the claim until the outcome is recorded (or given up).
    // Heartbeats extend exactly these leases, so a run given up after an error is claimed again when its lease runs
    // out; capacity counts them; shutdown waits for all of them, including runs still loading their history.
    private readonly ConcurrentDictionary<LeaseRef, Task> _claims = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _heartbeatStop = new();
    private readonly List<Task> _loops = [];
    private static readonly Task<IReadOnlyDictionary<string, IReadOnlyList<StepInfo>>> NoHistories =
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<StepInfo>>>(new Dictionary<string, IReadOnlyList<StepInfo>>());

    private readonly bool _flowControl;
    private Task _dispatcher = Task.CompletedTask;
    private long _lastHeartbeatTicks;

    // Slots reserved by ingests that may lease the runs they create to this worker (ILocalWorker), until they commit.
    private int _reserved;

    // True unless the dispatcher's latest claim came back short: runs may be waiting in the store, and they go first,
    // so ingests lease nothing to this worker until the dispatcher has caught up.
    private volatile bool _backlog = true;

    public BatonWorker(BatonEngine engine)
    {
        _engine = engine;
        _flowControl = engine.Registry.All.Any(f => f.Flow is not null);
        Election = new LeaderElection(engine, LeadAsync);
        Retention = new RetentionPruner(engine);
    }

    /// <summary>Runs leased by this process now (starting, executing or recording their outcome).</summary>
    public int InFlight => _claims.Count;

    /// <summary>This worker's candidacy for the leader-only work.</summary>
    public LeaderElection Election { get; }

    /// <summary>The retention pruner the leader runs.</summary>
    public RetentionPruner Retention { get; }

    private BatonOptions Options => _engine.Options;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        if (!Options.RunWorker)
        {
            return;
        }

        Log.WorkerStarted(_engine.Logger, Options.WorkerId, _engine.Store.ProviderName, _engine.Registry.Count);
        _dispatcher = Task.Run(DispatchLoopAsync, CancellationToken.None);
        _loops.Add(Task.Run(() => _engine.Store.WatchForWorkAsync(_engine.WorkAvailable.Set, _stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(HeartbeatLoopAsync, CancellationToken.None));
        _engine.LocalWorker = this;

        // The first election happens before start returns, so a worker that finds the lease free leads from the
        // moment it started: its cron schedules count from then, not from whenever a background loop first ran.
        _loops.Add(await Election.StartAsync(_stopping.Token).ConfigureAwait(false));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        Log.WorkerStopping(_engine.Logger, Options.WorkerId, _claims.Count);
        if (_engine.LocalWorker == this)
        {
            _engine.LocalWorker = null;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            // Nothing is claimed after this: let the dispatcher finish a claim it may be making and start what it got.
            await _dispatcher.WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var execution in _running.Values)
            {
                execution.Drain();
            }

            // Every claimed run, including one still loading its history: it drains itself as soon as it starts.
            await Task.WhenAll(_claims.Values).WaitAsync(Options.ShutdownGracePeriod, _engine.Time, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The leader-only work of one term: every cron schedule and retention, until <paramref name="token"/> is cancelled.</summary>
    private async Task LeadAsync(LeaderTerm term, CancellationToken token)
    {
        var work = new List<Task>();
        foreach (var function in _engine.Registry.All)
        {
            foreach (var cron in function.CronTriggers)
            {
                var scheduler = await CronScheduler.ForTermAsync(_engine, function, cron, term).ConfigureAwait(false);
                work.Add(Task.Run(() => scheduler.RunAsync(token), CancellationToken.None));
            }
        }

        if (Options.Retention.Enabled)
        {
            work.Add(Task.Run(() => Retention.RunAsync(token), CancellationToken.None));
        }

        try
        {
            await Task.WhenAll(work).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task DispatchLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                // Claims count from the moment they are leased: a run still loading its history holds a slot too.
                var free = Options.MaxConcurrentRuns - _claims.Count - Volatile.Read(ref _reserved);
                var now = _engine.Time.GetUtcNow();
                DateTimeOffset? nextDue = null;
                if (!_claims.IsEmpty && now.UtcTicks - Interlocked.Read(ref _lastHeartbeatTicks) >= Options.EffectiveHeartbeat.Ticks)
                {
                    // The clock jumped or the heartbeat loop stalled: renew our leases before claiming, so this
                    // worker never re-claims a run it is still executing. The writer applies both in order.
                    _ = HeartbeatAsync(now);
                }

                if (free > 0)
                {
                    var limit = Math.Min(free, Options.ClaimBatchSize);
                    var claim = await _engine.Writer.ClaimAsync(new ClaimCommand(Options.WorkerId, now, now + Options.LeaseDuration, limit) { FlowControl = _flowControl }).ConfigureAwait(false);

                    // The history of every resumed run of the batch is read with one query, not one per run.
                    var resumed = claim.Runs.Where(r => r.Claims > 1).Select(r => r.RunId).ToArray();
                    var histories = resumed.Length == 0 ? NoHistories : _engine.Store.GetStepsOfRunsAsync(resumed, CancellationToken.None);
                    foreach (var run in claim.Runs)
                    {
                        Start(run, histories, now);
                    }

                    // The clock moved on while the claim was written (a stalled process, a clock that jumped): the leases
                    // it took, counted from when it began, may be running out. Renew them before anything else is
                    // written, so that no claim after this one takes them over while they execute here.
                    var claimed = _engine.Time.GetUtcNow();
                    if (claim.Runs.Count > 0 && claimed - now >= Options.EffectiveHeartbeat)
                    {
                        _ = HeartbeatAsync(claimed);
                    }

                    _backlog = claim.Runs.Count == limit;
                    if (claim.Runs.Count == limit)
                    {
                        continue;
                    }

                    nextDue = claim.NextDueAt;
                }
                else
                {
                    // Full: runs ingested meanwhile wait in the store, and must not be overtaken by later ones.
                    _backlog = true;
                }

                // The next look is due a poll after this one began (or when the claim said work falls due), not a poll
                // after the claim returned: a slow claim, or a clock that moved meanwhile, must not postpone it.
                var next = now + Options.PollInterval;
                if (nextDue is { } due && due < next)
                {
                    next = due;
                }

                // Overdue is a look without waiting (never a negative span, which -1 ms would make an endless wait).
                var wait = next - _engine.Time.GetUtcNow();
                await _engine.WorkAvailable.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _engine.Time, token).ConfigureAwait(false);
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

    public IngestLease? ReserveForIngest(int wanted, DateTimeOffset now)
    {
        if (wanted <= 0 || _backlog || _stopping.IsCancellationRequested)
        {
            return null;
        }

        while (true)
        {
            var reserved = Volatile.Read(ref _reserved);
            var take = Math.Min(wanted, Options.MaxConcurrentRuns - _claims.Count - reserved);
            if (take <= 0)
            {
                // Full: this ingest's runs wait in the store, and later ingests must not overtake them when a slot frees.
                _backlog = true;
                return null;
            }

            if (Interlocked.CompareExchange(ref _reserved, reserved + take, reserved) == reserved)
            {
                return new IngestLease(Options.WorkerId, now + Options.LeaseDuration, take);
            }
        }
    }

    public void StartLeased(IngestLease lease, IReadOnlyList<ClaimedRun> runs, DateTimeOffset now)
    {
        // Registered as claims before the reservation is freed, so the dispatcher never sees the slots free twice.
        foreach (var run in runs)
        {
            Start(run, NoHistories, now);
        }

        ReleaseReservation(lease);
    }

    public void ReleaseReservation(IngestLease lease) => Interlocked.Add(ref _reserved, -lease.Limit);

    private void Start(ClaimedRun run, Task<IReadOnlyDictionary<string, IReadOnlyList<StepInfo>>> histories, DateTimeOffset now)
    {
        if (run.DueAt is { } due)
        {
            BatonDiagnostics.RecordQueueLag(run.FunctionId, now - due);
        }

        _engine.Changes.Publish(new RunChange(run.RunId, run.FunctionId, RunStatus.Running));

        // Registered before it starts, so the removal below can never run first.
        var lease = new LeaseRef(run.RunId, Options.WorkerId, run.Token);
        var start = new Task<Task>(() => ExecuteAsync(run, lease, histories, now));
        var task = start.Unwrap();
        _claims[lease] = task;
        task.ContinueWith(
            (finished, state) =>
            {
                var (worker, held) = ((BatonWorker, LeaseRef))state!;
                worker._claims.TryRemove(held, out _);
                worker._engine.WorkAvailable.Set();
            },
            (this, lease),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        start.Start(TaskScheduler.Default);
    }

    private async Task ExecuteAsync(ClaimedRun run, LeaseRef lease, Task<IReadOnlyDictionary<string, IReadOnlyList<StepInfo>>> histories, DateTimeOffset claimedAt)
    {
        try
        {
            if (_engine.Registry.Find(run.FunctionId) is not { } function)
            {
                var error = new ErrorInfo("FunctionNotFound", $"Function '{run.FunctionId}' is not registered in this process");
                await _engine.Writer.FinishAsync(new FinishRunCommand { Lease = lease, Status = RunStatus.Failed, Error = error, Now = claimedAt }).ConfigureAwait(false);
                return;
            }

            // A run claimed for the first time has no steps yet: nothing to load.
            IReadOnlyList<StepInfo> steps = run.Claims == 1 ? [] : (await histories.ConfigureAwait(false))[run.RunId];
            var scope = _engine.Services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var execution = new RunExecution(_engine, run, function, steps, scope.ServiceProvider);
                _running[run.RunId] = execution;
                try
                {
                    if (_stopping.IsCancellationRequested)
                    {
                        execution.Drain();
                    }

                    await execution.ExecuteAsync().ConfigureAwait(false);
                }
                finally
                {
                    _running.TryRemove(KeyValuePair.Create(run.RunId, execution));
                }
            }
        }
        catch (Exception e)
        {
            // Nothing was recorded for this execution: its lease is no longer extended, expires, and the run resumes.
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

            if (!_claims.IsEmpty)
            {
                await HeartbeatAsync(_engine.Time.GetUtcNow()).ConfigureAwait(false);
            }
        }
    }

    private async Task HeartbeatAsync(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _lastHeartbeatTicks, now.UtcTicks);
        try
        {
            await _engine.Writer.HeartbeatAsync(new HeartbeatCommand(_claims.Keys.ToArray(), now + Options.LeaseDuration)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.HeartbeatFailed(_engine.Logger, e);
        }
    }
}

using Baton.Execution;
using Baton.Internal;
using Baton.Storage;
using Baton.Telemetry;

namespace Baton.Hosting;

/// <summary>One term of leadership: the lease as acquired and when it was acquired.</summary>
/// <param name="Lease">The lease as acquired (its token identifies the term).</param>
/// <param name="Since">When this worker became leader, by its clock.</param>
internal sealed record LeaderTerm(LeaderLease Lease, DateTimeOffset Since)
{
    /// <summary>True for the first term ever on this store: no worker led before, so no cron tick was ever fired.</summary>
    public bool IsFirstEver => Lease.Token == 1;
}

/// <summary>
/// Elects one worker among all those sharing a store to run the leader-only work (cron schedules, retention),
/// through a lease row in the store. A candidate takes the lease when it is free or expired; the leader renews it
/// every third of <see cref="BatonOptions.LeaderLeaseDuration"/>, and steps down — stopping its leader work before
/// anything else — when a renewal finds the lease taken, or when renewals keep failing until the lease ran out by
/// its own clock. On shutdown it stops its leader work, then releases the lease so a follower takes over at once.
/// </summary>
/// <remarks>
/// Leadership can overlap only across a paused process or clock skew between nodes (a leader that has not yet
/// noticed its lease expired). The leader work tolerates that: a cron tick is deduplicated by its event id, and
/// pruning twice deletes nothing twice.
/// </remarks>
internal sealed class LeaderElection
{
    /// <summary>The lease's name in the store.</summary>
    public const string LeaseName = "baton";

    private readonly BatonEngine _engine;
    private readonly Func<LeaderTerm, CancellationToken, Task> _lead;
    private readonly object _gate = new();
    private LeaderLease? _held;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="engine">The engine whose store, clock and options are used.</param>
    /// <param name="lead">The leader work: runs from election until its token is cancelled (step-down or shutdown).</param>
    public LeaderElection(BatonEngine engine, Func<LeaderTerm, CancellationToken, Task> lead)
    {
        _engine = engine;
        _lead = lead;
    }

    /// <summary>Whether this worker leads now.</summary>
    public bool IsLeader => Volatile.Read(ref _held) is not null;

    /// <summary>The lease as this worker holds it now, or null when it does not lead.</summary>
    public LeaderLease? Lease => Volatile.Read(ref _held);

    /// <summary>
    /// Completes at the next change of this worker's leadership: elected, lease renewed, or stepped down (once its
    /// leader work has stopped and, on shutdown, the lease is released).
    /// </summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    private BatonOptions Options => _engine.Options;

    private string Me => Options.WorkerId;

    /// <summary>
    /// Runs for election once now, so that a worker that finds the lease free leads from the moment it started
    /// (its cron schedules count from there), then returns the loop that keeps running until <paramref name="stopping"/>.
    /// </summary>
    public async Task<Task> StartAsync(CancellationToken stopping)
    {
        var first = await TryAcquireAsync().ConfigureAwait(false);
        if (first.Lease is { } lease && lease.Holder == Me)
        {
            SetHeld(lease);
        }

        return Task.Run(() => RunAsync(first, stopping), CancellationToken.None);
    }

    private async Task RunAsync((LeaderLease? Lease, DateTimeOffset At) attempt, CancellationToken stopping)
    {
        var time = _engine.Time;
        while (true)
        {
            if (attempt.Lease is { } lease && lease.Holder == Me)
            {
                await LeadAsync(new LeaderTerm(lease, attempt.At), stopping).ConfigureAwait(false);
            }
            else
            {
                // Look again when the holder's lease runs out, or sooner in case it is released.
                var next = attempt.At + Options.LeaderRenewInterval;
                if (attempt.Lease is { } other && other.ExpiresAt < next)
                {
                    next = other.ExpiresAt;
                }

                try
                {
                    await ClockDelay.UntilAsync(time, next, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            attempt = await TryAcquireAsync().ConfigureAwait(false);
        }
    }

    private async Task<(LeaderLease? Lease, DateTimeOffset At)> TryAcquireAsync()
    {
        var now = _engine.Time.GetUtcNow();
        try
        {
            var lease = await _engine.Store.AcquireLeaseAsync(new AcquireLeaseCommand(LeaseName, Me, now, now + Options.LeaderLeaseDuration), CancellationToken.None).ConfigureAwait(false);
            return (lease, now);
        }
        catch (Exception e)
        {
            Log.LeaderLeaseFailed(_engine.Logger, e);
            return (null, now);
        }
    }

    /// <summary>Leads for one term: starts the leader work, renews the lease, and returns once this worker stepped down.</summary>
    private async Task LeadAsync(LeaderTerm term, CancellationToken stopping)
    {
        var time = _engine.Time;
        var lease = term.Lease;
        using var work = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        SetHeld(lease);
        Log.LeaderElected(_engine.Logger, Me, lease.Token);
        Notify();
        var leading = Task.Run(() => _lead(term, work.Token), CancellationToken.None);
        var reason = "shutting down";
        var lastAttempt = term.Since;
        try
        {
            while (true)
            {
                var next = lastAttempt + Options.LeaderRenewInterval;
                await ClockDelay.UntilAsync(time, next < lease.ExpiresAt ? next : lease.ExpiresAt, stopping).ConfigureAwait(false);
                var now = time.GetUtcNow();
                lastAttempt = now;
                var until = now + Options.LeaderLeaseDuration;
                bool? renewed;
                try
                {
                    // A renewal that hangs (a cut-off connection) must not keep this worker leading past its lease.
                    var left = lease.ExpiresAt - now;
                    renewed = await _engine.Store.RenewLeaseAsync(new RenewLeaseCommand(lease, until), CancellationToken.None)
                        .WaitAsync(left > Options.LeaderRenewInterval ? left : Options.LeaderRenewInterval, time, stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    Log.LeaderLeaseFailed(_engine.Logger, e);
                    renewed = null;
                }

                if (renewed == true)
                {
                    lease = lease with { ExpiresAt = until };
                    SetHeld(lease);
                    Notify();
                    continue;
                }

                if (renewed == false)
                {
                    reason = "another worker took the lease";
                    return;
                }

                if (time.GetUtcNow() >= lease.ExpiresAt)
                {
                    reason = "the lease expired before it could be renewed";
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // Leader work stops before anything else: a worker that stepped down must not fire another tick.
            SetHeld(null);
            await work.CancelAsync().ConfigureAwait(false);
            try
            {
                await leading.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.LeaderWorkFailed(_engine.Logger, e);
            }
            catch (OperationCanceledException)
            {
            }

            if (stopping.IsCancellationRequested)
            {
                try
                {
                    await _engine.Store.ReleaseLeaseAsync(new ReleaseLeaseCommand(lease, time.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // It runs out by itself; followers take over then.
                    Log.LeaderLeaseFailed(_engine.Logger, e);
                }
            }

            Log.LeaderSteppedDown(_engine.Logger, Me, reason);
            Notify();
        }
    }

    private void SetHeld(LeaderLease? lease) => Volatile.Write(ref _held, lease);

    private void Notify()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}

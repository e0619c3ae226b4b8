using Baton.Execution;
using Baton.Storage;
using Baton.Telemetry;

namespace Baton.Hosting;

/// <summary>
/// Retention, on the leader only: deletes finished runs and old events past their age (<see cref="RetentionOptions"/>)
/// in batches until nothing is left; a pass starts every interval. Each batch is its own short transaction; between
/// batches the pruner lets this process's group-commit writer commit what it has queued, so a long backlog of history
/// never holds up the runs executing now (on SQLite both need the file's one write lock).
/// </summary>
internal sealed class RetentionPruner(BatonEngine engine)
{
    /// <summary>Called after every pass with what it deleted (tests wait on it).</summary>
    public event Action<PruneResult>? PassCompleted;

    private int _passes;

    /// <summary>Passes completed so far (the first runs as soon as this node leads).</summary>
    public int CompletedPasses => Volatile.Read(ref _passes);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // The next pass is due an interval after this one starts, as an instant: a clock that jumps while the
            // pass runs (a paused process, a test's fake clock) makes it due at once rather than a whole interval late.
            var next = engine.Time.GetUtcNow() + engine.Options.Retention.Interval;
            try
            {
                await PruneAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.PruneFailed(engine.Logger, e);
            }

            try
            {
                await Internal.ClockDelay.UntilAsync(engine.Time, next, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: batches until every kind of history is pruned up to the cutoffs taken at its start.</summary>
    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken)
    {
        var options = engine.Options.Retention;
        var now = engine.Time.GetUtcNow();
        var command = new PruneCommand(now - options.RunsAfter, now - options.EventsAfter, options.BatchSize, now);
        var total = PruneResult.None;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = await engine.Store.PruneAsync(command, cancellationToken).ConfigureAwait(false);
            total = total.Add(batch);
            if (!batch.FilledBatch(options.BatchSize))
            {
                break;
            }

            await engine.Writer.FlushAsync().ConfigureAwait(false);
        }

        if (options.ChangesKept is { } kept)
        {
            await engine.Store.PruneChangesAsync(kept, cancellationToken).ConfigureAwait(false);
        }

        if (total != PruneResult.None)
        {
            Log.Pruned(engine.Logger, total.Runs, total.Events, total.IdempotencyKeys);
        }

        Interlocked.Increment(ref _passes);
        PassCompleted?.Invoke(total);
        return total;
    }
}

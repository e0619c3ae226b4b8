using System.Threading.Channels;
using Baton.Storage;
using Baton.Telemetry;
using Microsoft.Extensions.Logging;

namespace Baton.Execution;

/// <summary>
/// Group commit: the process's one writer loop. Callers enqueue commands and await them; the loop takes
/// everything queued (up to <see cref="BatonOptions.MaxWriteBatch"/>), applies it in one transaction and
/// completes each waiter when the batch is durable. A command that fails alone does not fail its batch:
/// the batch is rolled back and its commands are applied one by one.
/// </summary>
internal sealed partial class RunWriter : IAsyncDisposable
{
    // Backoff between attempts of a batch that failed transiently, in real time: it waits out a real outage (a
    // database restart, a dropped connection), not business time, so a test's fake clock must not hold it. About
    // 6.5 s in all, long enough for a PostgreSQL restart; a lease that runs out meanwhile is fenced as usual.
    private static readonly TimeSpan[] TransientBackoff =
        [TimeSpan.Zero, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250),
         TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5)];
    private readonly Channel<WriteOp> _queue = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IBatonStore _store;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Action _afterCommit;
    private Task? _loop;

    public RunWriter(IBatonStore store, int maxBatch, ILogger logger, Action afterCommit)
    {
        _store = store;
        _maxBatch = maxBatch;
        _logger = logger;
        _afterCommit = afterCommit;
    }

    public void Start()
    {
        _loop ??= Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    // Each command says whether its commit may have made work due now: only then is the dispatcher woken, so a
    // run's own step commits do not each cost an empty claim (nor do runs an ingest leased to this worker).
    public Task<IngestResult> IngestAsync(IngestCommand command, Action<IngestResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.IngestEventsAsync(c, t), onCommitted, static (_, r) => r.RunsCreated.Count > r.Claimed.Count || r.RunsWoken > 0);

    public Task<ClaimResult> ClaimAsync(ClaimCommand command)
        => Enqueue(command, static (w, c, t) => w.ClaimDueRunsAsync(c, t), null, Never);

    public Task<FenceResult> CommitStepAsync(CommitStepCommand command, Action<FenceResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.CommitStepAsync(c, t), onCommitted, static (c, _) => c.ChildRun is not null || c.Events is not null);

    public Task<FenceResult> SuspendAsync(SuspendRunCommand command, Action<FenceResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.SuspendRunAsync(c, t), onCommitted, static (c, _) => c.WakeAt <= c.Now || c.FlowControlled);

    public Task<FenceResult> FinishAsync(FinishRunCommand command, Action<FenceResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.FinishRunAsync(c, t), onCommitted, static (_, _) => true);

    public Task<int> HeartbeatAsync(HeartbeatCommand command)
        => Enqueue(command, static (w, c, t) => w.HeartbeatAsync(c, t), null, Never);

    public Task<FenceResult> SaveProgressAsync(ProgressCommand command)
        => Enqueue(command, static (w, c, t) => w.SaveProgressAsync(c, t), null, Never);

    public Task<CancelResult> CancelAsync(CancelCommand command, Action<CancelResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.CancelRunAsync(c, t), onCommitted, static (_, _) => true);

    /// <summary>
    /// Completes once everything enqueued before it is committed (or failed). Background work that takes the
    /// database's write lock outside this loop (retention) waits on it between batches, so the loop always
    /// gets its turn.
    /// </summary>
    public Task FlushAsync()
        => Enqueue<bool, bool>(true, static (_, c, _) => ValueTask.FromResult(c), null, Never);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private static bool Never<TCommand, TResult>(TCommand command, TResult result) => false;

    private Task<TResult> Enqueue<TCommand, TResult>(
        TCommand command,
        Func<IStoreWriter, TCommand, CancellationToken, ValueTask<TResult>> apply,
        Action<TResult>? onCommitted,
        Func<TCommand, TResult, bool> makesWorkDue)
    {
        var op = new WriteOp<TCommand, TResult>(command, apply, onCommitted, makesWorkDue);
        if (!_queue.Writer.TryWrite(op))
        {
            return Task.FromException<TResult>(new ObjectDisposedException(nameof(RunWriter), "Baton is shutting down; the write was not accepted"));
        }

        return op.Task;
    }

    private async Task LoopAsync()
    {
        var writer = _store.OpenWriter();
        await using var disposeWriter = writer.ConfigureAwait(false);
        var batch = new List<WriteOp>(_maxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var op))
            {
                batch.Add(op);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var error = await TryApplyWithRetriesAsync(writer, batch).ConfigureAwait(false);
            if (error is null)
            {
                BatonDiagnostics.RecordWriteBatch(batch.Count);
                Complete(batch);
                continue;
            }

            if (batch.Count == 1 || IsTransient(writer, error))
            {
                // A command that failed alone, or a database that stayed unreachable through every retry (no command
                // of the batch can succeed now; trying them one by one would only hold the queue longer).
                Log.WriteFailed(_logger, error);
                foreach (var op in batch)
                {
                    op.Fail(error);
                }

                continue;
            }

            // Something in the batch failed: isolate it so the other commands still commit.
            foreach (var op in batch)
            {
                if (await TryApplyWithRetriesAsync(writer, [op]).ConfigureAwait(false) is not { } opError)
                {
                    Complete([op]);
                }
                else
                {
                    Log.WriteFailed(_logger, opError);
                    op.Fail(opError);
                }
            }
        }
    }

    private void Complete(List<WriteOp> committed)
    {
        var wake = false;
        foreach (var op in committed)
        {
            wake |= op.Complete();
        }

        if (wake)
        {
            _afterCommit();
        }
    }

    /// <summary>
    /// Applies a batch in one transaction. A transient failure (deadlock, busy database, lost connection) is
    /// retried with a growing pause; the error is returned when it lasts or is not transient.
    /// </summary>
    /// <returns>Null when committed; otherwise the last error.</returns>
    private async Task<Exception?> TryApplyWithRetriesAsync(IStoreWriter writer, List<WriteOp> ops)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TransientBackoff[attempt]).ConfigureAwait(false);
            }

            var error = await TryApplyAsync(writer, ops).ConfigureAwait(false);
            if (error is null || attempt == TransientBackoff.Length - 1 || !IsTransient(writer, error))
            {
                return error;
            }
        }
    }

    private static bool IsTransient(IStoreWriter writer, Exception error)
        => error is StorageException { IsTransient: true } || writer.IsTransient(error);

    /// <returns>Null when committed; otherwise the error, with the transaction rolled back.</returns>
    private async Task<Exception?> TryApplyAsync(IStoreWriter writer, List<WriteOp> ops)
    {
        try
        {
            await writer.BeginAsync(CancellationToken.None).ConfigureAwait(false);
            if (writer is IPipelinedStoreWriter pipelined && ops.Count > 1)
            {
                await ApplyPipelinedAsync(writer, pipelined, ops).ConfigureAwait(false);
            }
            else
            {
                foreach (var op in ops)
                {
                    await op.ApplyAsync(writer).ConfigureAwait(false);
                }
            }

            await writer.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            try
            {
                await writer.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception rollbackError)
            {
                Log.RollbackFailed(_logger, rollbackError);
            }

            return e;
        }
    }

    /// <summary>
    /// The store sends the statements of consecutive commands that may interleave in as few round trips as it can. A
    /// command that reads state and writes back what it decided (a claim, an ingest with flow rules, a resource
    /// request) goes alone, in batch order: interleaved with another command on the same key, both would decide on
    /// the same stale read.
    /// </summary>
    private static async ValueTask ApplyPipelinedAsync(IStoreWriter writer, IPipelinedStoreWriter pipelined, List<WriteOp> ops)
    {
        var together = new List<Func<ValueTask>>();
        foreach (var op in ops)
        {
            if (op.MayInterleave)
            {
                together.Add(() => op.ApplyAsync(writer));
                continue;
            }

            await FlushAsync().ConfigureAwait(false);
            await op.ApplyAsync(writer).ConfigureAwait(false);
        }

        await FlushAsync().ConfigureAwait(false);

        async ValueTask FlushAsync()
        {
            if (together.Count == 1)
            {
                await together[0]().ConfigureAwait(false);
            }
            else if (together.Count > 1)
            {
                await pipelined.ApplyTogetherAsync([.. together], CancellationToken.None).ConfigureAwait(false);
            }

            together.Clear();
        }
    }

    private abstract class WriteOp
    {
        public abstract ValueTask ApplyAsync(IStoreWriter writer);

        /// <summary>True when the command only writes its own run's rows, so its statements may interleave with others'.</summary>
        public abstract bool MayInterleave { get; }

        /// <summary>Completes the waiter; true when the committed command may have made work due.</summary>
        public abstract bool Complete();

        public abstract void Fail(Exception error);
    }

    private sealed class WriteOp<TCommand, TResult>(
        TCommand command,
        Func<IStoreWriter, TCommand, CancellationToken, ValueTask<TResult>> apply,
        Action<TResult>? onCommitted,
        Func<TCommand, TResult, bool> makesWorkDue) : WriteOp
    {
        private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TResult? _result;

        public Task<TResult> Task => _completion.Task;

        public override bool MayInterleave => command is not (IngestCommand or ClaimCommand or ResourceCommand or CommitStepCommand { Events: not null });

        public override async ValueTask ApplyAsync(IStoreWriter writer)
        {
            _result = await apply(writer, command, CancellationToken.None).ConfigureAwait(false);
        }

        public override bool Complete()
        {
            try
            {
                onCommitted?.Invoke(_result!);
            }
            finally
            {
                _completion.TrySetResult(_result!);
            }

            return makesWorkDue(command, _result!);
        }

        public override void Fail(Exception error) => _completion.TrySetException(error);
    }
}

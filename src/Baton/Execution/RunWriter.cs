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
internal sealed class RunWriter : IAsyncDisposable
{
    private const int MaxTransientAttempts = 4;
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

    public Task<IngestResult> IngestAsync(IngestCommand command, Action<IngestResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.IngestEventsAsync(c, t), onCommitted);

    public Task<ClaimResult> ClaimAsync(ClaimCommand command)
        => Enqueue(command, static (w, c, t) => w.ClaimDueRunsAsync(c, t), null);

    public Task<FenceResult> CommitStepAsync(CommitStepCommand command, Action<FenceResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.CommitStepAsync(c, t), onCommitted);

    public Task<FenceResult> SuspendAsync(SuspendRunCommand command, Action<FenceResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.SuspendRunAsync(c, t), onCommitted);

    public Task<FenceResult> FinishAsync(FinishRunCommand command, Action<FenceResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.FinishRunAsync(c, t), onCommitted);

    public Task<int> HeartbeatAsync(HeartbeatCommand command)
        => Enqueue(command, static (w, c, t) => w.HeartbeatAsync(c, t), null);

    public Task<FenceResult> SaveProgressAsync(ProgressCommand command)
        => Enqueue(command, static (w, c, t) => w.SaveProgressAsync(c, t), null);

    public Task<CancelResult> CancelAsync(CancelCommand command, Action<CancelResult>? onCommitted = null)
        => Enqueue(command, static (w, c, t) => w.CancelRunAsync(c, t), onCommitted);

    /// <summary>
    /// Completes once everything enqueued before it is committed (or failed). Background work that takes the
    /// database's write lock outside this loop (retention) waits on it between batches, so the loop always
    /// gets its turn.
    /// </summary>
    public Task FlushAsync()
        => Enqueue<bool, bool>(true, static (_, c, _) => ValueTask.FromResult(c), null);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private Task<TResult> Enqueue<TCommand, TResult>(TCommand command, Func<IStoreWriter, TCommand, CancellationToken, ValueTask<TResult>> apply, Action<TResult>? onCommitted)
    {
        var op = new WriteOp<TCommand, TResult>(command, apply, onCommitted);
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

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (await TryApplyWithRetriesAsync(writer, batch).ConfigureAwait(false))
            {
                BatonDiagnostics.RecordWriteBatch(batch.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                Complete(batch);
                continue;
            }

            // Something in the batch failed: isolate it so the other commands still commit.
            foreach (var op in batch)
            {
                if (await TryApplyWithRetriesAsync(writer, [op]).ConfigureAwait(false))
                {
                    Complete([op]);
                }
            }
        }
    }

    private void Complete(List<WriteOp> committed)
    {
        foreach (var op in committed)
        {
            op.Complete();
        }

        _afterCommit();
    }

    /// <summary>
    /// Applies a batch in one transaction. A transient failure (deadlock, busy database) is retried a few times;
    /// a lasting failure of a single command fails that command's waiter.
    /// </summary>
    private async Task<bool> TryApplyWithRetriesAsync(IStoreWriter writer, List<WriteOp> ops)
    {
        for (var attempt = 1; ; attempt++)
        {
            var error = await TryApplyAsync(writer, ops).ConfigureAwait(false);
            if (error is null)
            {
                return true;
            }

            if (attempt < MaxTransientAttempts && (error is StorageException { IsTransient: true } || writer.IsTransient(error)))
            {
                continue;
            }

            if (ops.Count == 1)
            {
                Log.WriteFailed(_logger, error);
                ops[0].Fail(error);
            }

            return false;
        }
    }

    /// <returns>Null when committed; otherwise the error, with the transaction rolled back.</returns>
    private async Task<Exception?> TryApplyAsync(IStoreWriter writer, List<WriteOp> ops)
    {
        try
        {
            await writer.BeginAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var op in ops)
            {
                await op.ApplyAsync(writer).ConfigureAwait(false);
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

    private abstract class WriteOp
    {
        public abstract ValueTask ApplyAsync(IStoreWriter writer);

        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    private sealed class WriteOp<TCommand, TResult>(
        TCommand command,
        Func<IStoreWriter, TCommand, CancellationToken, ValueTask<TResult>> apply,
        Action<TResult>? onCommitted) : WriteOp
    {
        private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TResult? _result;

        public Task<TResult> Task => _completion.Task;

        public override async ValueTask ApplyAsync(IStoreWriter writer)
        {
            _result = await apply(writer, command, CancellationToken.None).ConfigureAwait(false);
        }

        public override void Complete()
        {
            try
            {
                onCommitted?.Invoke(_result!);
            }
            finally
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void Fail(Exception error) => _completion.TrySetException(error);
    }
}

using Baton.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.AspNetCore.Streaming;

/// <summary>
/// One reader per process of the store's change feed (<see cref="IBatonInspector.ReadChangesAsync"/>): the run and
/// step changes committed by any node, in commit order, handed to every live-stream subscriber. It reads when woken:
/// by this process's own commits (the in-process <see cref="ChangeFeed"/>), by the provider's cross-node wake-up
/// (PostgreSQL LISTEN/NOTIFY, sent by batches that make work due) and every <see cref="BatonApiOptions.StreamPollInterval"/>
/// (other nodes' step commits send no notification). It reads nothing while nobody subscribes.
/// </summary>
internal sealed class CommittedChanges(
    IBatonInspector inspector, IBatonStore store, ChangeFeed local, TimeProvider time, BatonApiOptions options, ILogger<CommittedChanges> logger)
    : IHostedService, IDisposable
{
    private const int PageSize = 1000;

    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Action<BatonChange>[] _subscribers = [];
    private ChangeCursor? _cursor;
    private IDisposable? _localSubscription;
    private Task _loop = Task.CompletedTask;
    private Task _watch = Task.CompletedTask;

    /// <summary>
    /// Calls <paramref name="handler"/> for every change committed from now on (and possibly a few just before), in
    /// commit order, until the returned handle is disposed. The handler must be fast and must not throw.
    /// </summary>
    public async Task<IDisposable> SubscribeAsync(Action<BatonChange> handler, CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Nobody was reading: start at the end of the feed, before the subscriber is told it is live.
            _cursor ??= (await inspector.ReadChangesAsync(null, 1, cancellationToken).ConfigureAwait(false)).Next;
            lock (_gate)
            {
                _subscribers = [.. _subscribers, handler];
            }
        }
        finally
        {
            _reading.Release();
        }

        return new Subscription(this, handler);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _localSubscription = local.Subscribe(_ => Wake());
        _loop = Task.Run(() => ReadLoopAsync(_stopping.Token), CancellationToken.None);
        _watch = Task.Run(() => store.WatchForWorkAsync(Wake, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _localSubscription?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loop, _watch).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public void Dispose()
    {
        _localSubscription?.Dispose();
        _stopping.Dispose();
        _reading.Dispose();
        _wake.Dispose();
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    private async Task ReadLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                using (var poll = new CancellationTokenSource(options.StreamPollInterval, time))
                using (var either = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, stopping))
                {
                    try
                    {
                        await _wake.WaitAsync(either.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                    {
                        // Poll.
                    }
                }

                await ReadAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The database is away: try again at the next wake-up or poll.
                Log.ChangeFeedReadFailed(logger, e);
            }
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Action<BatonChange>[] subscribers;
            lock (_gate)
            {
                subscribers = _subscribers;
            }

            if (subscribers.Length == 0)
            {
                // Nothing to read for; the next subscriber starts at the end of the feed.
                _cursor = null;
                return;
            }

            ChangePage page;
            do
            {
                page = await inspector.ReadChangesAsync(_cursor, PageSize, cancellationToken).ConfigureAwait(false);
                foreach (var change in page.Changes)
                {
                    foreach (var subscriber in subscribers)
                    {
                        subscriber(change);
                    }
                }

                _cursor = page.Next;
            }
            while (page.More);
        }
        finally
        {
            _reading.Release();
        }
    }

    private void Unsubscribe(Action<BatonChange> handler)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != handler).ToArray();
        }
    }

    private sealed class Subscription(CommittedChanges owner, Action<BatonChange> handler) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(handler);
    }
}

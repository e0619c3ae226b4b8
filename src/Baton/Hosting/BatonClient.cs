using Baton.Execution;
using Baton.Storage;
using Baton.Telemetry;

namespace Baton.Hosting;

/// <summary>The in-process client and inspector.</summary>
internal sealed partial class BatonClient : IBatonClient, IBatonInspector
{
    private const int MaxPage = 1000;
    private readonly BatonEngine _engine;

    public BatonClient(BatonEngine engine)
    {
        _engine = engine;
    }

    public async Task<string> SendAsync(EventMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var ids = await _engine.SendAsync([message], cancellationToken).ConfigureAwait(false);
        return ids[0];
    }

    public Task<IReadOnlyList<string>> SendAsync(IEnumerable<EventMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return _engine.SendAsync(messages.ToArray(), cancellationToken);
    }

    public async Task<bool> CancelRunAsync(string runId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var result = await _engine.Writer.CancelAsync(new CancelCommand(runId, reason, _engine.Time.GetUtcNow())).ConfigureAwait(false);
        switch (result)
        {
            case CancelResult.Cancelled:
                // The cancel command does not return the run's function; read it back for the change feed and the metric.
                var functionId = (await _engine.Store.GetRunAsync(runId, CancellationToken.None).ConfigureAwait(false))?.FunctionId ?? "";
                BatonDiagnostics.RunFinished(functionId, RunStatus.Cancelled);
                _engine.Changes.Publish(new RunChange(runId, functionId, RunStatus.Cancelled));
                return true;
            case CancelResult.AlreadyFinished:
                return false;
            default:
                throw new RunNotFoundException(runId);
        }
    }

    public async Task<Page<RunInfo>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckLimit(query.Limit, nameof(query));
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await _engine.Store.ListRunsAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await _engine.Store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StepInfo>> GetStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await _engine.Store.GetStepsAsync(runId, includeAttempts: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunLogLine>> GetRunLogsAsync(RunLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrWhiteSpace(query.RunId, nameof(query));
        CheckLimit(query.Limit, nameof(query));
        if (query.After < 0)
        {
            throw new ArgumentException("After must not be negative", nameof(query));
        }

        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await _engine.Store.GetRunLogsAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Page<EventInfo>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckLimit(query.Limit, nameof(query));
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await _engine.Store.ListEventsAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PendingFlowInfo>> ListPendingFlowAsync(string? functionId = null, CancellationToken cancellationToken = default)
    {
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await _engine.Store.ListPendingFlowAsync(functionId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken = default)
    {
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var lease = await _engine.Store.GetLeaseAsync(LeaderElection.LeaseName, cancellationToken).ConfigureAwait(false);
        return lease is not null && lease.ExpiresAt > _engine.Time.GetUtcNow() ? new LeaderInfo(lease.Holder, lease.ExpiresAt) : null;
    }

    public async Task<IReadOnlyList<FlowKeyInfo>> GetFlowKeysAsync(string? functionId = null, CancellationToken cancellationToken = default)
    {
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await _engine.Store.GetFlowKeysAsync(functionId, _engine.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private static void CheckLimit(int limit, string name)
    {
        if (limit is < 1 or > MaxPage)
        {
            throw new ArgumentException($"Limit must be between 1 and {MaxPage}", name);
        }
    }
}

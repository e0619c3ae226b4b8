using Baton.Storage;

namespace Baton.Hosting;

/// <summary>Chart data and the change feed, read from the store.</summary>
internal sealed partial class BatonClient
{
    public async Task<IReadOnlyList<RunStatsBucket>> GetRunStatsAsync(RunStatsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var stored = await _engine.Store.GetRunStatsAsync(query, cancellationToken).ConfigureAwait(false);
        var byStart = stored.ToDictionary(b => b.At);
        var buckets = new List<RunStatsBucket>();
        for (var at = query.From; at < query.To; at += query.Bucket)
        {
            buckets.Add(byStart.GetValueOrDefault(at) ?? RunStatsBucket.Empty(at));
        }

        return buckets;
    }

    public async Task<ChangePage> ReadChangesAsync(ChangeCursor? after, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await _engine.Store.ReadChangesAsync(after, limit, cancellationToken).ConfigureAwait(false);
    }
}

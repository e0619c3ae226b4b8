using Baton.Storage;

namespace Baton.Postgres;

internal sealed partial class PostgresWriter
{
    private readonly string _schema;
    private PgCommand? _lockResource;
    private PgCommand? _updateResource;

    /// <summary>
    /// The fence, the row's creation and its lock in one statement (an upsert returns the row it locked), then the core's
    /// decision is written back. The lock lasts until the batch commits, so nodes decide on a resource one after another.
    /// </summary>
    public async ValueTask<ResourceResult> ApplyResourceAsync(ResourceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var s = _schema;
        _lockResource ??= Prepare(
            $"""
            WITH fence AS (SELECT 1 FROM {s}.runs WHERE id = $1 AND lease_owner = $2 AND lease_token = $3 FOR SHARE)
            INSERT INTO {s}.resources (name) SELECT $4 FROM fence
            ON CONFLICT (name) DO UPDATE SET name = excluded.name
            RETURNING tat, paused_until, window_start, used, queue_until
            """,
            Text, Text, Big, Text);
        _updateResource ??= Prepare(
            $"UPDATE {s}.resources SET tat = $2, paused_until = $3, window_start = $4, used = $5, queue_until = $6 WHERE name = $1",
            Text, Big, Big, Big, Big, Big);
        var lease = command.Lease;
        var rows = await _lockResource.Bind(lease.RunId, lease.Owner, lease.Token, command.Resource).QueryAsync(reader => new ResourceState
        {
            Tat = Pg.Time(reader, 0),
            PausedUntil = Pg.Time(reader, 1),
            WindowStart = Pg.Time(reader, 2),
            Used = reader.GetInt64(3),
            QueueUntil = Pg.Time(reader, 4),
        }).ConfigureAwait(false);
        var current = rows.Count > 0 ? rows[0] : null;

        if (current is null)
        {
            return new ResourceResult(FenceResult.LeaseLost, null);
        }

        var decision = command.Policy.Decide(current);
        var state = decision.State;
        await _updateResource.Bind(command.Resource, Pg.Ms(state.Tat), Pg.Ms(state.PausedUntil), Pg.Ms(state.WindowStart), state.Used, Pg.Ms(state.QueueUntil))
            .ExecuteAsync().ConfigureAwait(false);
        return new ResourceResult(FenceResult.Applied, decision);
    }
}

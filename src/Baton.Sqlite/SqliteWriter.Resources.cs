using Baton.Storage;

namespace Baton.Sqlite;

internal sealed partial class SqliteWriter
{
    private PreparedCommand? _selectResource;
    private PreparedCommand? _upsertResource;

    /// <summary>The writer holds the database's one write lock for the whole batch, so read-decide-write is atomic across processes.</summary>
    public ValueTask<ResourceResult> ApplyResourceAsync(ResourceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var lease = command.Lease;
        if (_fenceStep.Bind(lease.RunId, lease.Owner, lease.Token).Scalar() is null)
        {
            return ValueTask.FromResult(new ResourceResult(FenceResult.LeaseLost, null));
        }

        _selectResource ??= Prepare("SELECT tat, paused_until, window_start, used, queue_until FROM resources WHERE name = $name", "$name");
        _upsertResource ??= Prepare(
            """
            INSERT INTO resources (name, tat, paused_until, window_start, used, queue_until) VALUES ($name, $tat, $paused, $window, $used, $queue)
            ON CONFLICT (name) DO UPDATE SET tat = excluded.tat, paused_until = excluded.paused_until, window_start = excluded.window_start,
                used = excluded.used, queue_until = excluded.queue_until
            """,
            "$name", "$tat", "$paused", "$window", "$used", "$queue");
        var current = ResourceState.Empty;
        using (var reader = _selectResource.Bind(command.Resource).Read())
        {
            if (reader.Read())
            {
                current = new ResourceState
                {
                    Tat = Time(reader, 0),
                    PausedUntil = Time(reader, 1),
                    WindowStart = Time(reader, 2),
                    Used = reader.GetInt64(3),
                    QueueUntil = Time(reader, 4),
                };
            }
        }

        var decision = command.Policy.Decide(current);
        var s = decision.State;
        _upsertResource.Bind(command.Resource, Db.Ms(s.Tat), Db.Ms(s.PausedUntil), Db.Ms(s.WindowStart), s.Used, Db.Ms(s.QueueUntil)).Execute();
        return ValueTask.FromResult(new ResourceResult(FenceResult.Applied, decision));
    }

    private static DateTimeOffset? Time(PreparedCommand.RowReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Db.Time(reader.GetInt64(ordinal));
}

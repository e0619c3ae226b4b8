using Baton.Storage;

namespace Baton.Sqlite;

internal sealed partial class SqliteStore
{
    public async Task<IReadOnlyList<PendingFlowInfo>> ListPendingFlowAsync(string? functionId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            // A key's row outlives its run's pending phase; only a run still queued and never claimed is pending.
            command.CommandText =
                """
                SELECT p.function_id, p.kind, p.key, p.run_id, p.size, p.first_at, r.due_at, r.event_id
                FROM flow_pending p JOIN runs r ON r.id = p.run_id
                WHERE r.status = 0 AND r.claims = 0 AND r.lease_owner IS NULL AND r.due_at IS NOT NULL
                    AND ($function IS NULL OR p.function_id = $function)
                ORDER BY p.function_id, p.key
                """;
            command.Parameters.AddWithValue("$function", (object?)functionId ?? DBNull.Value);
            using var reader = command.ExecuteReader();
            var pending = new List<PendingFlowInfo>();
            while (reader.Read())
            {
                pending.Add(new PendingFlowInfo
                {
                    FunctionId = reader.GetString(0),
                    Kind = (GatherKind)reader.GetInt32(1),
                    Key = reader.GetString(2),
                    RunId = reader.GetString(3),
                    Events = reader.GetInt32(4),
                    FirstEventAt = Db.Time(reader.GetInt64(5)),
                    DueAt = Db.Time(reader.GetInt64(6)),
                    EventId = Db.Text(reader, 7),
                });
            }

            return pending;
        }
    }
}

using Baton.Storage;
using Npgsql;

namespace Baton.Postgres;

internal sealed partial class PostgresStore
{
    public async Task<IReadOnlyList<PendingFlowInfo>> ListPendingFlowAsync(string? functionId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // A key's row outlives its run's pending phase; only a run still queued and never claimed is pending.
            var command = new NpgsqlCommand(
                $"""
                SELECT p.function_id, p.kind, p.key, p.run_id, p.size, p.first_at, r.due_at, r.event_id
                FROM {Schema}.flow_pending p JOIN {Schema}.runs r ON r.id = p.run_id
                WHERE r.status = 0 AND r.claims = 0 AND r.lease_owner IS NULL AND r.due_at IS NOT NULL
                    AND ($1::text IS NULL OR p.function_id = $1)
                ORDER BY p.function_id, p.key
                """,
                connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)functionId ?? DBNull.Value });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var pending = new List<PendingFlowInfo>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    pending.Add(new PendingFlowInfo
                    {
                        FunctionId = reader.GetString(0),
                        Kind = (GatherKind)reader.GetInt16(1),
                        Key = reader.GetString(2),
                        RunId = reader.GetString(3),
                        Events = reader.GetInt32(4),
                        FirstEventAt = Pg.Time(reader.GetInt64(5)),
                        DueAt = Pg.Time(reader.GetInt64(6)),
                        EventId = Pg.Text(reader, 7),
                    });
                }

                return pending;
            }
        }
    }
}

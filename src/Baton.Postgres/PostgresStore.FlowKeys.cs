using Baton.Flow;

namespace Baton.Postgres;

/// <summary>Inspection of claim-time flow control.</summary>
internal sealed partial class PostgresStore
{
    public async Task<IReadOnlyList<FlowKeyInfo>> GetFlowKeysAsync(string? functionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (from, to) = functionId is null ? ("", null) : FlowQueueName.Range(functionId);
        var command = _dataSource.CreateCommand(
            $"""
            SELECT q.queue,
                (SELECT COUNT(*) FROM {Schema}.runs r WHERE r.flow_queue = q.queue AND r.finished_at IS NULL AND r.lease_owner IS NOT NULL AND r.due_at > $1),
                (SELECT COUNT(*) FROM {Schema}.runs r WHERE r.flow_queue = q.queue AND r.finished_at IS NULL AND r.lease_owner IS NULL AND r.due_at <= $1),
                (SELECT t.allowed_at FROM {Schema}.flow_throttles t WHERE t.key = q.queue AND t.allowed_at > $1)
            FROM {Schema}.flow_queues q WHERE q.queue COLLATE "C" >= $2 AND ($3::text IS NULL OR q.queue COLLATE "C" < $3) ORDER BY q.queue COLLATE "C"
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue(Pg.Ms(now));
            command.Parameters.AddWithValue(from);
            command.Parameters.AddWithValue((object?)to ?? DBNull.Value);
            var keys = new List<FlowKeyInfo>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var (function, key) = FlowQueueName.Split(reader.GetString(0));
                    keys.Add(new FlowKeyInfo(function, key, (int)reader.GetInt64(1), (int)reader.GetInt64(2), Pg.Time(reader, 3)));
                }
            }

            return keys;
        }
    }
}

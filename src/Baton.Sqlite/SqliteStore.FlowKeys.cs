using Baton.Flow;

namespace Baton.Sqlite;

/// <summary>Inspection of claim-time flow control.</summary>
internal sealed partial class SqliteStore
{
    public async Task<IReadOnlyList<FlowKeyInfo>> GetFlowKeysAsync(string? functionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (from, to) = functionId is null ? ("", null) : FlowQueueName.Range(functionId);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                """
                SELECT q.queue,
                    (SELECT COUNT(*) FROM runs r WHERE r.flow_queue = q.queue AND r.finished_at IS NULL AND r.lease_owner IS NOT NULL AND r.due_at > $now),
                    (SELECT COUNT(*) FROM runs r WHERE r.flow_queue = q.queue AND r.finished_at IS NULL AND r.lease_owner IS NULL AND r.due_at <= $now),
                    (SELECT t.allowed_at FROM flow_throttles t WHERE t.key = q.queue AND t.allowed_at > $now)
                FROM flow_queues q WHERE q.queue >= $from AND ($to IS NULL OR q.queue < $to) ORDER BY q.queue
                """;
            command.Parameters.AddWithValue("$now", Db.Ms(now));
            command.Parameters.AddWithValue("$from", from);
            command.Parameters.AddWithValue("$to", (object?)to ?? DBNull.Value);
            var keys = new List<FlowKeyInfo>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var (function, key) = FlowQueueName.Split(reader.GetString(0));
                keys.Add(new FlowKeyInfo(function, key, reader.GetInt32(1), reader.GetInt32(2), Db.Time(reader, 3)));
            }

            return keys;
        }
    }
}

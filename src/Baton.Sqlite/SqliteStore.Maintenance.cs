using System.Text.Json;
using Baton.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Sqlite;

/// <summary>
/// Leader leases, cron ticks and retention. Each command is one short <c>BEGIN IMMEDIATE</c> transaction on a
/// pooled connection: SQLite has one write lock per file, so these take it only for the few statements they run.
/// </summary>
internal sealed partial class SqliteStore
{
    public async Task<LeaderLease> AcquireLeaseAsync(AcquireLeaseCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction();
            using (var take = connection.CreateCommand())
            {
                take.CommandText =
                    """
                    INSERT INTO leases (name, holder, token, expires_at) VALUES ($name, $holder, 1, $until)
                    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = leases.token + 1, expires_at = excluded.expires_at
                    WHERE leases.holder IS NULL OR leases.expires_at <= $now OR leases.holder = excluded.holder
                    """;
                take.Parameters.AddWithValue("$name", command.Name);
                take.Parameters.AddWithValue("$holder", command.Holder);
                take.Parameters.AddWithValue("$until", Db.Ms(command.Until));
                take.Parameters.AddWithValue("$now", Db.Ms(command.Now));
                take.ExecuteNonQuery();
            }

            var lease = ReadLease(connection, command.Name) ?? throw new InvalidOperationException($"Lease '{command.Name}' has no holder right after it was taken");
            transaction.Commit();
            return lease;
        }
    }

    public Task<bool> RenewLeaseAsync(RenewLeaseCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ChangeLeaseAsync("expires_at = $at", command.Lease, command.Until, cancellationToken);
    }

    public Task<bool> ReleaseLeaseAsync(ReleaseLeaseCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ChangeLeaseAsync("holder = NULL, expires_at = $at", command.Lease, command.Now, cancellationToken);
    }

    public async Task<LeaderLease?> GetLeaseAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return ReadLease(connection, name);
        }
    }

    public async Task<DateTimeOffset?> GetLastCronTickAsync(string schedule, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT last_tick FROM cron_ticks WHERE schedule = $schedule";
            command.Parameters.AddWithValue("$schedule", schedule);
            return command.ExecuteScalar() is long ms ? Db.Time(ms) : null;
        }
    }

    public async Task<PruneResult> PruneAsync(PruneCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentOutOfRangeException.ThrowIfLessThan(command.BatchSize, 1, nameof(command));
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var runs = command.FinishedBefore is { } finished
                ? DeleteBatch(
                    connection,
                    "SELECT id FROM runs WHERE finished_at < $cutoff AND status >= 4 ORDER BY finished_at LIMIT $limit",
                    Db.Ms(finished),
                    command.BatchSize,
                    "DELETE FROM step_attempts WHERE run_id IN (SELECT value FROM json_each($ids))",
                    "DELETE FROM steps WHERE run_id IN (SELECT value FROM json_each($ids))",
                    "DELETE FROM waits WHERE run_id IN (SELECT value FROM json_each($ids))",
                    "DELETE FROM run_logs WHERE run_id IN (SELECT value FROM json_each($ids))",
                    "DELETE FROM event_runs WHERE run_id IN (SELECT value FROM json_each($ids))",
                    "DELETE FROM runs WHERE id IN (SELECT value FROM json_each($ids))")
                : 0;
            var events = command.EventsBefore is { } received
                ? DeleteBatch(
                    connection,
                    "SELECT id FROM events WHERE received_at < $cutoff ORDER BY received_at LIMIT $limit",
                    Db.Ms(received),
                    command.BatchSize,
                    "DELETE FROM event_skips WHERE event_id IN (SELECT value FROM json_each($ids))",
                    "DELETE FROM event_runs WHERE event_id IN (SELECT value FROM json_each($ids))",
                    "DELETE FROM events WHERE id IN (SELECT value FROM json_each($ids))")
                : 0;
            var keys = 0;
            var flow = 0;
            if (command.KeysExpiredBy is { } expired)
            {
                keys = DeleteExpired(
                    connection,
                    Db.Ms(expired),
                    command.BatchSize,
                    "DELETE FROM idempotency WHERE (function_id, key) IN (SELECT function_id, key FROM idempotency WHERE expires_at <= $cutoff ORDER BY expires_at LIMIT $limit)");
                flow = DeleteExpired(
                    connection,
                    Db.Ms(expired),
                    command.BatchSize,
                    "DELETE FROM flow_rate WHERE (function_id, key) IN (SELECT function_id, key FROM flow_rate WHERE tat <= $cutoff LIMIT $limit)",
                    "DELETE FROM flow_throttles WHERE key IN (SELECT key FROM flow_throttles WHERE tat <= $cutoff LIMIT $limit)",
                    SpentFlowRows("flow_singleton"),
                    SpentFlowRows("flow_pending"));
            }

            return new PruneResult(runs, events, keys, flow);
        }
    }

    /// <summary>A table's rows whose run finished or is gone (at most <c>$limit</c>): they no longer hold a key.</summary>
    private static string SpentFlowRows(string table)
        => $"DELETE FROM {table} WHERE (function_id, key) IN (SELECT f.function_id, f.key FROM {table} f LEFT JOIN runs r ON r.id = f.run_id WHERE r.id IS NULL OR r.status >= 4 LIMIT $limit)";

    /// <summary>In one transaction: runs each delete (with <c>$cutoff</c> and <c>$limit</c>); returns the rows deleted.</summary>
    private static int DeleteExpired(SqliteConnection connection, long cutoff, int limit, params string[] deletes)
    {
        using var transaction = connection.BeginTransaction();
        var deleted = 0;
        foreach (var sql in deletes)
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = sql;
            delete.Parameters.AddWithValue("$cutoff", cutoff);
            delete.Parameters.AddWithValue("$limit", limit);
            deleted += delete.ExecuteNonQuery();
        }

        transaction.Commit();
        return deleted;
    }

    /// <summary>In one transaction: selects up to <paramref name="limit"/> ids, then runs each delete with them (as a JSON array).</summary>
    private static int DeleteBatch(SqliteConnection connection, string select, long cutoff, int limit, params string[] deletes)
    {
        using var transaction = connection.BeginTransaction();
        var ids = new List<string>(limit);
        using (var query = connection.CreateCommand())
        {
            query.CommandText = select;
            query.Parameters.AddWithValue("$cutoff", cutoff);
            query.Parameters.AddWithValue("$limit", limit);
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }

        if (ids.Count == 0)
        {
            return 0;
        }

        var json = JsonSerializer.Serialize(ids);
        foreach (var sql in deletes)
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = sql;
            delete.Parameters.AddWithValue("$ids", json);
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
        return ids.Count;
    }

    private static LeaderLease? ReadLease(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT holder, token, expires_at FROM leases WHERE name = $name AND holder IS NOT NULL";
        command.Parameters.AddWithValue("$name", name);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new LeaderLease(name, reader.GetString(0), reader.GetInt64(1), Db.Time(reader.GetInt64(2))) : null;
    }

    /// <summary>Applies <paramref name="set"/> to the lease while the caller still holds it (same holder and token).</summary>
    private async Task<bool> ChangeLeaseAsync(string set, LeaderLease lease, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE leases SET {set} WHERE name = $name AND holder = $holder AND token = $token";
            command.Parameters.AddWithValue("$at", Db.Ms(at));
            command.Parameters.AddWithValue("$name", lease.Name);
            command.Parameters.AddWithValue("$holder", lease.Holder);
            command.Parameters.AddWithValue("$token", lease.Token);
            return command.ExecuteNonQuery() == 1;
        }
    }
}

using Baton.Storage;
using Npgsql;

namespace Baton.Postgres;

/// <summary>
/// Leader leases, cron ticks and retention: single statements on pooled connections, each its own short
/// transaction, never on the group-commit writer's connection. Prune batches lock only the rows they delete
/// (<c>FOR UPDATE SKIP LOCKED</c>), so they never wait for, or hold up, a claim or a step commit.
/// </summary>
internal sealed partial class PostgresStore
{
    public async Task<LeaderLease> AcquireLeaseAsync(AcquireLeaseCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var take = _dataSource.CreateCommand(
            $"""
            INSERT INTO {Schema}.leases (name, holder, token, expires_at) VALUES ($1, $2, 1, $3)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = {Schema}.leases.token + 1, expires_at = excluded.expires_at
            WHERE {Schema}.leases.holder IS NULL OR {Schema}.leases.expires_at <= $4 OR {Schema}.leases.holder = excluded.holder
            RETURNING holder, token, expires_at
            """);
        await using (take.ConfigureAwait(false))
        {
            take.Parameters.AddWithValue(command.Name);
            take.Parameters.AddWithValue(command.Holder);
            take.Parameters.AddWithValue(Pg.Ms(command.Until));
            take.Parameters.AddWithValue(Pg.Ms(command.Now));
            if (await ReadLeaseAsync(take, command.Name, cancellationToken).ConfigureAwait(false) is { } won)
            {
                return won;
            }
        }

        // Not taken: read the holder in a new statement, whose snapshot includes a concurrent winner's insert
        // (the upsert waited for that transaction to commit before it found the conflict).
        return await GetLeaseAsync(command.Name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Lease '{command.Name}' was neither taken nor held");
    }

    public Task<bool> RenewLeaseAsync(RenewLeaseCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ChangeLeaseAsync("expires_at = $4", command.Lease, command.Until, cancellationToken);
    }

    public Task<bool> ReleaseLeaseAsync(ReleaseLeaseCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ChangeLeaseAsync("holder = NULL, expires_at = $4", command.Lease, command.Now, cancellationToken);
    }

    public async Task<LeaderLease?> GetLeaseAsync(string name, CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand($"SELECT holder, token, expires_at FROM {Schema}.leases WHERE name = $1 AND holder IS NOT NULL");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue(name);
            return await ReadLeaseAsync(command, name, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<DateTimeOffset?> GetLastCronTickAsync(string schedule, CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand($"SELECT last_tick FROM {Schema}.cron_ticks WHERE schedule = $1");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue(schedule);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long ms ? Pg.Time(ms) : null;
        }
    }

    public async Task<PruneResult> PruneAsync(PruneCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentOutOfRangeException.ThrowIfLessThan(command.BatchSize, 1, nameof(command));
        var runs = command.FinishedBefore is { } finished
            ? await CountAsync(
                $"""
                WITH doomed AS (SELECT id FROM {Schema}.runs WHERE finished_at < $1 AND status >= 4 ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED),
                attempts AS (DELETE FROM {Schema}.step_attempts WHERE run_id IN (SELECT id FROM doomed)),
                steps AS (DELETE FROM {Schema}.steps WHERE run_id IN (SELECT id FROM doomed)),
                waits AS (DELETE FROM {Schema}.waits WHERE run_id IN (SELECT id FROM doomed)),
                logs AS (DELETE FROM {Schema}.run_logs WHERE run_id IN (SELECT id FROM doomed)),
                linked AS (DELETE FROM {Schema}.event_runs WHERE run_id IN (SELECT id FROM doomed)),
                gone AS (DELETE FROM {Schema}.runs WHERE id IN (SELECT id FROM doomed) RETURNING 1)
                SELECT COUNT(*) FROM gone
                """,
                Pg.Ms(finished),
                command.BatchSize,
                cancellationToken).ConfigureAwait(false)
            : 0;
        var events = command.EventsBefore is { } received
            ? await CountAsync(
                $"""
                WITH doomed AS (SELECT id FROM {Schema}.events WHERE received_at < $1 ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED),
                skips AS (DELETE FROM {Schema}.event_skips WHERE event_id IN (SELECT id FROM doomed)),
                linked AS (DELETE FROM {Schema}.event_runs WHERE event_id IN (SELECT id FROM doomed)),
                gone AS (DELETE FROM {Schema}.events WHERE id IN (SELECT id FROM doomed) RETURNING 1)
                SELECT COUNT(*) FROM gone
                """,
                Pg.Ms(received),
                command.BatchSize,
                cancellationToken).ConfigureAwait(false)
            : 0;
        var keys = command.KeysExpiredBy is { } expired
            ? await CountAsync(
                $"""
                WITH doomed AS (SELECT function_id, key FROM {Schema}.idempotency WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED),
                gone AS (DELETE FROM {Schema}.idempotency i USING doomed d WHERE i.function_id = d.function_id AND i.key = d.key RETURNING 1)
                SELECT COUNT(*) FROM gone
                """,
                Pg.Ms(expired),
                command.BatchSize,
                cancellationToken).ConfigureAwait(false)
            : 0;
        var flow = command.KeysExpiredBy is { } spent
            ? await CountAsync(
                $"""
                WITH rate AS (
                    DELETE FROM {Schema}.flow_rate x USING (SELECT function_id, key FROM {Schema}.flow_rate WHERE tat <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED) d
                    WHERE x.function_id = d.function_id AND x.key = d.key RETURNING 1),
                throttle AS (
                    DELETE FROM {Schema}.flow_throttles x USING (SELECT key FROM {Schema}.flow_throttles WHERE tat <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED) d
                    WHERE x.key = d.key RETURNING 1),
                singleton AS ({SpentFlowRows("flow_singleton")}),
                pending AS ({SpentFlowRows("flow_pending")})
                SELECT (SELECT COUNT(*) FROM rate) + (SELECT COUNT(*) FROM throttle) + (SELECT COUNT(*) FROM singleton) + (SELECT COUNT(*) FROM pending)
                """,
                Pg.Ms(spent),
                command.BatchSize,
                cancellationToken).ConfigureAwait(false)
            : 0;
        return new PruneResult(runs, events, keys, flow);
    }

    /// <summary>
    /// A table's rows whose run finished or is gone (at most <c>$2</c>): they no longer hold a key. A row is deleted only
    /// while it still names the run found spent: an ingest that committed meanwhile may have handed the key to a new
    /// run, whose row this statement's snapshot cannot see (it would look gone). Locking the row in the read instead
    /// would re-read it at its new version and join it to that invisible run: an active run's key was released, and a
    /// singleton let a second run in.
    /// </summary>
    private string SpentFlowRows(string table)
        => $"""
            DELETE FROM {Schema}.{table} x USING (
                SELECT f.function_id, f.key, f.run_id FROM {Schema}.{table} f LEFT JOIN {Schema}.runs r ON r.id = f.run_id
                WHERE r.id IS NULL OR r.status >= 4 LIMIT $2) d
            WHERE x.function_id = d.function_id AND x.key = d.key AND x.run_id = d.run_id RETURNING 1
            """;

    private static async Task<LeaderLease?> ReadLeaseAsync(NpgsqlCommand command, string name, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new LeaderLease(name, reader.GetString(0), reader.GetInt64(1), Pg.Time(reader.GetInt64(2)))
                : null;
        }
    }

    /// <summary>Applies <paramref name="set"/> (with the time as <c>$4</c>) while the caller still holds the lease (same holder and token).</summary>
    private async Task<bool> ChangeLeaseAsync(string set, LeaderLease lease, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var command = _dataSource.CreateCommand($"UPDATE {Schema}.leases SET {set} WHERE name = $1 AND holder = $2 AND token = $3");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue(lease.Name);
            command.Parameters.AddWithValue(lease.Holder);
            command.Parameters.AddWithValue(lease.Token);
            command.Parameters.AddWithValue(Pg.Ms(at));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    private async Task<int> CountAsync(string sql, long cutoff, int limit, CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand(sql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue(cutoff);
            command.Parameters.AddWithValue(limit);
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

using Baton.Storage;
using Npgsql;

namespace Baton.Postgres;

/// <summary>
/// Chart data and the change feed (migration 0007). Several nodes commit at once and sequence numbers are taken before
/// commit, so the feed is read by transaction id: a read takes only rows of transactions older than every transaction
/// still running (<c>pg_snapshot_xmin</c>), ordered by transaction and sequence, and the next read continues from
/// there. A row that commits late is therefore never skipped. The cursor is (transaction id, sequence).
/// </summary>
internal sealed partial class PostgresStore
{
    private const int PruneChangesBatch = 5_000;

    public async Task<IReadOnlyList<RunStatsBucket>> GetRunStatsAsync(RunStatsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var function = query.FunctionId is null ? "" : " AND function_id = $4";
        var buckets = new RunStatsCounts(query);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var started = Command(
                $"SELECT (started_at - $1) / $3, COUNT(*), AVG(started_at - created_at)::float8, MAX(started_at - created_at)::float8 FROM {Schema}.runs " +
                "WHERE started_at IS NOT NULL AND started_at >= $1 AND started_at < $2" + function + " GROUP BY 1");
            await using (started.ConfigureAwait(false))
            {
                var reader = await started.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        buckets.Started(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3));
                    }
                }
            }

            var finished = Command(
                $"SELECT (finished_at - $1) / $3, status, COUNT(*) FROM {Schema}.runs " +
                "WHERE finished_at IS NOT NULL AND finished_at >= $1 AND finished_at < $2" + function + " GROUP BY 1, 2");
            await using (finished.ConfigureAwait(false))
            {
                var reader = await finished.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        buckets.Finished(reader.GetInt64(0), (RunStatus)reader.GetInt32(1), reader.GetInt64(2));
                    }
                }
            }

            NpgsqlCommand Command(string sql)
            {
                var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue(Pg.Ms(query.From));
                command.Parameters.AddWithValue(Pg.Ms(query.To));
                command.Parameters.AddWithValue((long)query.Bucket.TotalMilliseconds);
                if (query.FunctionId is not null)
                {
                    command.Parameters.AddWithValue(query.FunctionId);
                }

                return command;
            }
        }

        return buckets.ToBuckets();
    }

    public async Task<ChangePage> ReadChangesAsync(ChangeCursor? after, int limit, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            long horizon;
            var xmin = new NpgsqlCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", connection);
            await using (xmin.ConfigureAwait(false))
            {
                horizon = (long)(await xmin.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            // Every transaction below the horizon has ended, so rows below it are all there is; from now on, rows of
            // transactions at or above it.
            if (after is null)
            {
                return new ChangePage([], new ChangeCursor(horizon, 0), false);
            }

            var command = new NpgsqlCommand(
                $"""
                SELECT xid::text::bigint, seq, run_id, function_id, step_id, status FROM {Schema}.changes
                WHERE (xid, seq) > ($1::text::xid8, $2) AND xid < $3::text::xid8
                ORDER BY xid, seq LIMIT $4
                """, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue(after.Major.ToString(System.Globalization.CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue(after.Minor);
                command.Parameters.AddWithValue(horizon.ToString(System.Globalization.CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue(limit);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var changes = new List<BatonChange>();
                    var last = after;
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        last = new ChangeCursor(reader.GetInt64(0), reader.GetInt64(1));
                        changes.Add(reader.IsDBNull(4)
                            ? new RunChange(reader.GetString(2), Pg.Text(reader, 3) ?? "", (RunStatus)reader.GetInt32(5))
                            : new StepChange(reader.GetString(2), reader.GetString(4), (StepStatus)reader.GetInt32(5)));
                    }

                    var more = changes.Count == limit;

                    // A short page read everything below the horizon: continue from the horizon (rows of the transaction
                    // at the horizon all have a sequence above 0).
                    return new ChangePage(changes, more || horizon <= last.Major ? last : new ChangeCursor(horizon, 0), more);
                }
            }
        }
    }

    public async Task<int> PruneChangesAsync(int keep, CancellationToken cancellationToken)
    {
        var total = 0;
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (true)
            {
                var command = new NpgsqlCommand(
                    $"""
                    DELETE FROM {Schema}.changes WHERE seq IN (
                        SELECT seq FROM {Schema}.changes WHERE seq <= (SELECT MAX(seq) FROM {Schema}.changes) - $1
                        ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
                    """, connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue((long)Math.Max(keep, 1));
                    command.Parameters.AddWithValue(PruneChangesBatch);
                    var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    total += deleted;
                    if (deleted < PruneChangesBatch)
                    {
                        return total;
                    }
                }
            }
        }
    }
}

using Baton.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Sqlite;

/// <summary>
/// Chart data and the change feed (migration 0007). SQLite has one writer, so the feed's sequence numbers are in
/// commit order and a reader continues after the last one it read.
/// </summary>
internal sealed partial class SqliteStore
{
    private const int PruneChangesBatch = 5_000;

    public async Task<IReadOnlyList<RunStatsBucket>> GetRunStatsAsync(RunStatsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var from = Db.Ms(query.From);
        var width = (long)query.Bucket.TotalMilliseconds;
        var function = query.FunctionId is null ? "" : " AND function_id = $fn";
        var buckets = new RunStatsCounts(query);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using (var started = Command(connection, query,
                       "SELECT (started_at - $from) / $width, COUNT(*), AVG(started_at - created_at), MAX(started_at - created_at) FROM runs " +
                       "WHERE started_at IS NOT NULL AND started_at >= $from AND started_at < $to" + function + " GROUP BY 1"))
            {
                using var reader = started.ExecuteReader();
                while (reader.Read())
                {
                    buckets.Started(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3));
                }
            }

            using (var finished = Command(connection, query,
                       "SELECT (finished_at - $from) / $width, status, COUNT(*) FROM runs " +
                       "WHERE finished_at IS NOT NULL AND finished_at >= $from AND finished_at < $to" + function + " GROUP BY 1, 2"))
            {
                using var reader = finished.ExecuteReader();
                while (reader.Read())
                {
                    buckets.Finished(reader.GetInt64(0), (RunStatus)reader.GetInt32(1), reader.GetInt64(2));
                }
            }
        }

        return buckets.ToBuckets();

        SqliteCommand Command(SqliteConnection connection, RunStatsQuery q, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$from", from);
            command.Parameters.AddWithValue("$to", Db.Ms(q.To));
            command.Parameters.AddWithValue("$width", width);
            if (q.FunctionId is not null)
            {
                command.Parameters.AddWithValue("$fn", q.FunctionId);
            }

            return command;
        }
    }

    public async Task<ChangePage> ReadChangesAsync(ChangeCursor? after, int limit, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            if (after is null)
            {
                command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM changes";
                return new ChangePage([], new ChangeCursor(Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), 0), false);
            }

            command.CommandText = "SELECT seq, run_id, function_id, step_id, status FROM changes WHERE seq > $after ORDER BY seq LIMIT $limit";
            command.Parameters.AddWithValue("$after", after.Major);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var changes = new List<BatonChange>();
            var last = after.Major;
            while (reader.Read())
            {
                last = reader.GetInt64(0);
                changes.Add(reader.IsDBNull(3)
                    ? new RunChange(reader.GetString(1), Db.Text(reader, 2) ?? "", (RunStatus)reader.GetInt32(4))
                    : new StepChange(reader.GetString(1), reader.GetString(3), (StepStatus)reader.GetInt32(4)));
            }

            return new ChangePage(changes, new ChangeCursor(last, 0), changes.Count == limit);
        }
    }

    public async Task<int> PruneChangesAsync(int keep, CancellationToken cancellationToken)
    {
        var total = 0;
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Short transactions of a few thousand rows each, so the writer never waits long for the file's lock. The
            // newest row always stays, so a new row never reuses a sequence number a reader has already passed.
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var command = connection.CreateCommand();
                command.CommandText =
                    "DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE seq <= (SELECT MAX(seq) FROM changes) - $keep ORDER BY seq LIMIT $batch)";
                command.Parameters.AddWithValue("$keep", Math.Max(keep, 1));
                command.Parameters.AddWithValue("$batch", PruneChangesBatch);
                var deleted = command.ExecuteNonQuery();
                total += deleted;
                if (deleted < PruneChangesBatch)
                {
                    return total;
                }
            }
        }
    }
}

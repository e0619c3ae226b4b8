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
        var function = query.FunctionId is null ? "" : " AND function_id = $fn";
        var buckets = new RunStatsCounts(query);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One aggregate per bucket over a range of the covering index: several times faster here than one GROUP BY
            // over the window, which sorts every row in a temporary B-tree. The index is named: with a function filter
            // the planner would otherwise pick runs_function and read every run of the function once per bucket.
            using var started = Command(connection, query,
                "SELECT COUNT(*), AVG(started_at - created_at), MAX(started_at - created_at) FROM runs INDEXED BY runs_started " +
                "WHERE started_at IS NOT NULL AND started_at >= $from AND started_at < $to" + function);
            using var finished = Command(connection, query,
                $"SELECT SUM(status = {(int)RunStatus.Completed}), SUM(status = {(int)RunStatus.Failed}), SUM(status = {(int)RunStatus.Cancelled}) FROM runs INDEXED BY runs_finished " +
                "WHERE finished_at IS NOT NULL AND finished_at >= $from AND finished_at < $to" + function);
            var index = 0L;
            for (var at = query.From; at < query.To; at += query.Bucket, index++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var command in new[] { started, finished })
                {
                    command.Parameters["$from"].Value = Db.Ms(at);
                    command.Parameters["$to"].Value = Db.Ms(at + query.Bucket);
                }

                using (var reader = started.ExecuteReader())
                {
                    if (reader.Read() && reader.GetInt64(0) > 0)
                    {
                        buckets.Started(index, reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2));
                    }
                }

                using (var reader = finished.ExecuteReader())
                {
                    if (reader.Read() && !reader.IsDBNull(0))
                    {
                        buckets.Finished(index, RunStatus.Completed, reader.GetInt64(0));
                        buckets.Finished(index, RunStatus.Failed, reader.GetInt64(1));
                        buckets.Finished(index, RunStatus.Cancelled, reader.GetInt64(2));
                    }
                }
            }
        }

        return buckets.ToBuckets();

        static SqliteCommand Command(SqliteConnection connection, RunStatsQuery q, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$from", 0L);
            command.Parameters.AddWithValue("$to", 0L);
            if (q.FunctionId is not null)
            {
                command.Parameters.AddWithValue("$fn", q.FunctionId);
            }

            command.Prepare();
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

using Baton.Storage;
using Microsoft.Extensions.Logging;

namespace Baton.Sqlite;

/// <summary>Operator state (migration 0006): function pauses, each change one short transaction, and reads of run logs.</summary>
internal sealed partial class SqliteStore
{
    public async Task<bool> PauseFunctionAsync(PauseFunctionCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO function_pauses (function_id, paused_at) VALUES ($function, $at) ON CONFLICT (function_id) DO NOTHING";
            insert.Parameters.AddWithValue("$function", command.FunctionId);
            insert.Parameters.AddWithValue("$at", Db.Ms(command.Now));
            return insert.ExecuteNonQuery() == 1;
        }
    }

    public async Task<DateTimeOffset?> ResumeFunctionAsync(string functionId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM function_pauses WHERE function_id = $function RETURNING paused_at";
            delete.Parameters.AddWithValue("$function", functionId);
            return delete.ExecuteScalar() is long ms ? Db.Time(ms) : null;
        }
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> GetPausedFunctionsAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT function_id, paused_at FROM function_pauses";
            using var reader = select.ExecuteReader();
            var paused = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            while (reader.Read())
            {
                paused[reader.GetString(0)] = Db.Time(reader.GetInt64(1));
            }

            return paused;
        }
    }

    public async Task<IReadOnlyList<RunLogLine>> GetRunLogsAsync(RunLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var select = connection.CreateCommand();
            select.CommandText =
                "SELECT seq, at, level, step_id, message, exception, dropped FROM run_logs WHERE run_id = $run AND seq > $after ORDER BY seq LIMIT $limit";
            select.Parameters.AddWithValue("$run", query.RunId);
            select.Parameters.AddWithValue("$after", query.After);
            select.Parameters.AddWithValue("$limit", query.Limit);
            using var reader = select.ExecuteReader();
            var lines = new List<RunLogLine>();
            while (reader.Read())
            {
                lines.Add(RunLogs.Line(
                    reader.GetInt32(0), Db.Time(reader.GetInt64(1)), (LogLevel)reader.GetInt32(2), Db.Text(reader, 3), reader.GetString(4), Db.Text(reader, 5), reader.GetInt32(6)));
            }

            return lines;
        }
    }
}

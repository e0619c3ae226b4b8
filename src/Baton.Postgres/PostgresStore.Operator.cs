using Baton.Storage;
using Microsoft.Extensions.Logging;

namespace Baton.Postgres;

/// <summary>Operator state (migration 0006): function pauses, each change one short statement, and reads of run logs.</summary>
internal sealed partial class PostgresStore
{
    public async Task<bool> PauseFunctionAsync(PauseFunctionCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var insert = _dataSource.CreateCommand($"INSERT INTO {Schema}.function_pauses (function_id, paused_at) VALUES ($1, $2) ON CONFLICT (function_id) DO NOTHING");
        await using (insert.ConfigureAwait(false))
        {
            insert.Parameters.AddWithValue(command.FunctionId);
            insert.Parameters.AddWithValue(Pg.Ms(command.Now));
            return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public async Task<DateTimeOffset?> ResumeFunctionAsync(string functionId, CancellationToken cancellationToken)
    {
        var delete = _dataSource.CreateCommand($"DELETE FROM {Schema}.function_pauses WHERE function_id = $1 RETURNING paused_at");
        await using (delete.ConfigureAwait(false))
        {
            delete.Parameters.AddWithValue(functionId);
            return await delete.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long ms ? Pg.Time(ms) : null;
        }
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> GetPausedFunctionsAsync(CancellationToken cancellationToken)
    {
        var select = _dataSource.CreateCommand($"SELECT function_id, paused_at FROM {Schema}.function_pauses");
        await using (select.ConfigureAwait(false))
        {
            var paused = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    paused[reader.GetString(0)] = Pg.Time(reader.GetInt64(1));
                }
            }

            return paused;
        }
    }

    public async Task<IReadOnlyList<RunLogLine>> GetRunLogsAsync(RunLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var select = _dataSource.CreateCommand(
            $"SELECT seq, at, level, step_id, message, exception, dropped FROM {Schema}.run_logs WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        await using (select.ConfigureAwait(false))
        {
            select.Parameters.AddWithValue(query.RunId);
            select.Parameters.AddWithValue(query.After);
            select.Parameters.AddWithValue(query.Limit);
            var lines = new List<RunLogLine>();
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    lines.Add(RunLogs.Line(
                        reader.GetInt32(0), Pg.Time(reader.GetInt64(1)), (LogLevel)reader.GetInt16(2), Pg.Text(reader, 3), reader.GetString(4), Pg.Text(reader, 5), reader.GetInt32(6)));
                }
            }

            return lines;
        }
    }
}

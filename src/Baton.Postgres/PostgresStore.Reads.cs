using System.Text;
using System.Text.Json;
using Baton.Internal;
using Baton.Storage;
using Npgsql;

namespace Baton.Postgres;

internal sealed partial class PostgresStore
{
    private string RunColumns =>
        $"id, function_id, status, trigger, event_id, created_at, started_at, finished_at, due_at, output, error, cancel_reason, progress, attempt, (SELECT COUNT(*) FROM {Schema}.steps s WHERE s.run_id = r.id), parent_run_id";

    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand($"SELECT {RunColumns} FROM {Schema}.runs r WHERE id = $1", connection);

            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.AddWithValue(runId);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRun(reader) : null;
            }
        }
    }

    public async Task<IReadOnlyList<StepInfo>> GetStepsAsync(string runId, bool includeAttempts, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var attempts = new Dictionary<string, List<StepAttempt>>(StringComparer.Ordinal);
            if (includeAttempts)
            {
                var attemptCommand = new NpgsqlCommand(
                    $"SELECT step_id, attempt, started_at, finished_at, error FROM {Schema}.step_attempts WHERE run_id = $1 ORDER BY step_id, attempt", connection);

                await using var attemptCommandScope = attemptCommand.ConfigureAwait(false);
                attemptCommand.Parameters.AddWithValue(runId);
                var attemptReader = await attemptCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (attemptReader.ConfigureAwait(false))
                {
                    while (await attemptReader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var stepId = attemptReader.GetString(0);
                        if (!attempts.TryGetValue(stepId, out var list))
                        {
                            attempts[stepId] = list = [];
                        }

                        list.Add(new StepAttempt(attemptReader.GetInt32(1), Pg.Time(attemptReader.GetInt64(2)), Pg.Time(attemptReader.GetInt64(3)), StoreJson.Error(attemptReader.GetString(4))!));
                    }
                }
            }

            var command = new NpgsqlCommand($"SELECT {StepColumns} FROM {Schema}.steps WHERE run_id = $1 ORDER BY position", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.AddWithValue(runId);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var steps = new List<StepInfo>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    steps.Add(ReadStep(reader, 0, attempts));
                }

                return steps;
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<StepInfo>>> GetStepsOfRunsAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        var steps = runIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new List<StepInfo>(), StringComparer.Ordinal);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand($"SELECT run_id, {StepColumns} FROM {Schema}.steps WHERE run_id = ANY($1) ORDER BY run_id, position", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.AddWithValue(steps.Keys.ToArray());
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    steps[reader.GetString(0)].Add(ReadStep(reader, 1, []));
                }
            }
        }

        return steps.ToDictionary(p => p.Key, p => (IReadOnlyList<StepInfo>)p.Value, StringComparer.Ordinal);
    }

    public async Task<Page<RunInfo>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand { Connection = connection };
            await using var commandScope = command.ConfigureAwait(false);
            var where = new StringBuilder("WHERE true");
            if (query.FunctionId is not null)
            {
                command.Parameters.AddWithValue(query.FunctionId);
                where.Append(" AND function_id = $").Append(command.Parameters.Count);
            }

            if (query.Key is not null)
            {
                // The key part of the run's fairness queue ('<function>\x1f<key>'), checked while the scan walks runs newest first.
                command.Parameters.AddWithValue(query.Key);
                where.Append(" AND flow_queue IS NOT NULL AND substr(flow_queue, strpos(flow_queue, E'\\x1f') + 1) = $").Append(command.Parameters.Count);
            }

            if (query.Statuses is { Count: > 0 } statuses)
            {
                where.Append(" AND status IN (").AppendJoin(", ", statuses.Select(s => (int)s)).Append(')');
            }

            if (query.CreatedFrom is { } from)
            {
                command.Parameters.AddWithValue(Pg.Ms(from));
                where.Append(" AND created_at >= $").Append(command.Parameters.Count);
            }

            if (query.CreatedTo is { } to)
            {
                command.Parameters.AddWithValue(Pg.Ms(to));
                where.Append(" AND created_at < $").Append(command.Parameters.Count);
            }

            if (query.Text is { Length: > 0 } text)
            {
                // ILIKE folds every letter's case, SQLite's LIKE only ASCII's: the documented contract is ASCII case.
                command.Parameters.AddWithValue(StoreText.ContainsPattern(text));
                where.Append(" AND trigger ILIKE $").Append(command.Parameters.Count).Append(" ESCAPE '\\'");
            }

            if (query.Cursor is not null)
            {
                command.Parameters.AddWithValue(query.Cursor);
                where.Append(" AND id < $").Append(command.Parameters.Count);
            }

            command.Parameters.AddWithValue(query.Limit + 1);
            command.CommandText = $"SELECT {RunColumns} FROM {Schema}.runs r {where} ORDER BY id DESC LIMIT ${command.Parameters.Count}";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var runs = new List<RunInfo>();
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    runs.Add(ReadRun(reader));
                }
            }

            if (runs.Count <= query.Limit)
            {
                return new Page<RunInfo>(runs, null);
            }

            runs.RemoveAt(runs.Count - 1);
            return new Page<RunInfo>(runs, runs[^1].Id);
        }
    }

    public async Task<Page<EventInfo>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var events = new List<(BatonEvent Event, DateTimeOffset ReceivedAt)>();
            var command = new NpgsqlCommand { Connection = connection };
            await using (command.ConfigureAwait(false))
            {
                var where = new StringBuilder("WHERE true");
                if (query.Name is not null)
                {
                    command.Parameters.AddWithValue(query.Name);
                    where.Append(" AND name = $").Append(command.Parameters.Count);
                }

                if (query.ReceivedFrom is { } from)
                {
                    command.Parameters.AddWithValue(Pg.Ms(from));
                    where.Append(" AND received_at >= $").Append(command.Parameters.Count);
                }

                if (query.ReceivedTo is { } to)
                {
                    command.Parameters.AddWithValue(Pg.Ms(to));
                    where.Append(" AND received_at < $").Append(command.Parameters.Count);
                }

                if (query.Cursor is not null)
                {
                    var colon = query.Cursor.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0 || !long.TryParse(query.Cursor[..colon], System.Globalization.CultureInfo.InvariantCulture, out var receivedAt))
                    {
                        throw new ArgumentException($"'{query.Cursor}' is not a valid event cursor", nameof(query));
                    }

                    command.Parameters.AddWithValue(receivedAt);
                    command.Parameters.AddWithValue(query.Cursor[(colon + 1)..]);
                    var n = command.Parameters.Count;
                    where.Append($" AND (received_at < ${n - 1} OR (received_at = ${n - 1} AND id < ${n}))");
                }

                command.Parameters.AddWithValue(query.Limit + 1);
                command.CommandText = $"SELECT id, name, data, ts, received_at FROM {Schema}.events {where} ORDER BY received_at DESC, id DESC LIMIT ${command.Parameters.Count}";
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        events.Add((new BatonEvent(reader.GetString(0), reader.GetString(1), BatonJson.Parse(reader.GetString(2)), Pg.Time(reader.GetInt64(3))), Pg.Time(reader.GetInt64(4))));
                    }
                }
            }

            var more = events.Count > query.Limit;
            if (more)
            {
                events.RemoveAt(events.Count - 1);
            }

            var items = new List<EventInfo>(events.Count);
            foreach (var (e, receivedAt) in events)
            {
                items.Add(new EventInfo
                {
                    Event = e,
                    ReceivedAt = receivedAt,
                    RunIds = await StringsAsync(connection, $"SELECT id FROM {Schema}.runs WHERE event_id = $1 UNION SELECT run_id FROM {Schema}.event_runs WHERE event_id = $1 ORDER BY 1", e.Id, cancellationToken).ConfigureAwait(false),
                    Skips = await SkipsAsync(connection, e.Id, cancellationToken).ConfigureAwait(false),
                });
            }

            return new Page<EventInfo>(items, more ? $"{events[^1].ReceivedAt.ToUnixTimeMilliseconds()}:{events[^1].Event.Id}" : null);
        }
    }

    private static async Task<List<string>> StringsAsync(NpgsqlConnection connection, string sql, string key, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);

        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue(key);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var values = new List<string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                values.Add(reader.GetString(0));
            }

            return values;
        }
    }

    private async Task<List<EventSkip>> SkipsAsync(NpgsqlConnection connection, string eventId, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT function_id, reason FROM {Schema}.event_skips WHERE event_id = $1 ORDER BY id", connection);

        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue(eventId);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var skips = new List<EventSkip>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                skips.Add(new EventSkip(reader.GetString(0), reader.GetString(1)));
            }

            return skips;
        }
    }

    private const string StepColumns = "step_id, name, position, kind, status, attempts, started_at, finished_at, wake_at, output, error, detail";

    /// <summary>Reads a step whose <see cref="StepColumns"/> start at column <paramref name="o"/>.</summary>
    private static StepInfo ReadStep(NpgsqlDataReader reader, int o, Dictionary<string, List<StepAttempt>> attempts)
    {
        var id = reader.GetString(o);
        return new StepInfo
        {
            Id = id,
            Name = reader.GetString(o + 1),
            Position = reader.GetInt32(o + 2),
            Kind = (StepKind)reader.GetInt16(o + 3),
            Status = (StepStatus)reader.GetInt16(o + 4),
            Attempts = reader.GetInt32(o + 5),
            StartedAt = Pg.Time(reader, o + 6),
            FinishedAt = Pg.Time(reader, o + 7),
            WakeAt = Pg.Time(reader, o + 8),
            Output = Pg.Text(reader, o + 9),
            Error = StoreJson.Error(Pg.Text(reader, o + 10)),
            Detail = Pg.Text(reader, o + 11),
            FailedAttempts = attempts.TryGetValue(id, out var failed) ? failed : [],
        };
    }

    private static RunInfo ReadRun(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        FunctionId = reader.GetString(1),
        Status = (RunStatus)reader.GetInt16(2),
        Events = StoreJson.Events(reader.GetString(3)),
        EventId = Pg.Text(reader, 4),
        CreatedAt = Pg.Time(reader.GetInt64(5)),
        StartedAt = Pg.Time(reader, 6),
        FinishedAt = Pg.Time(reader, 7),
        DueAt = Pg.Time(reader, 8),
        Output = Pg.Text(reader, 9),
        Error = StoreJson.Error(Pg.Text(reader, 10)),
        CancelReason = Pg.Text(reader, 11),
        Progress = reader.IsDBNull(12) ? null : JsonSerializer.Deserialize<RunProgress>(reader.GetString(12), BatonJson.Options),
        Attempt = reader.GetInt32(13),
        StepCount = (int)reader.GetInt64(14),
        ParentRunId = Pg.Text(reader, 15),
    };
}

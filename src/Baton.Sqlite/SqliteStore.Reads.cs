using System.Text;
using System.Text.Json;
using Baton.Internal;
using Baton.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Sqlite;

internal sealed partial class SqliteStore
{
    private const string RunColumns =
        "id, function_id, status, trigger, event_id, created_at, started_at, finished_at, due_at, output, error, cancel_reason, progress, attempt, (SELECT COUNT(*) FROM steps s WHERE s.run_id = runs.id), parent_run_id";

    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {RunColumns} FROM runs WHERE id = $id";
            command.Parameters.AddWithValue("$id", runId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRun(reader) : null;
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
                using var attemptCommand = connection.CreateCommand();
                attemptCommand.CommandText = "SELECT step_id, attempt, started_at, finished_at, error FROM step_attempts WHERE run_id = $id ORDER BY step_id, attempt";
                attemptCommand.Parameters.AddWithValue("$id", runId);
                using var attemptReader = attemptCommand.ExecuteReader();
                while (attemptReader.Read())
                {
                    var stepId = attemptReader.GetString(0);
                    if (!attempts.TryGetValue(stepId, out var list))
                    {
                        attempts[stepId] = list = [];
                    }

                    list.Add(new StepAttempt(attemptReader.GetInt32(1), Db.Time(attemptReader.GetInt64(2)), Db.Time(attemptReader.GetInt64(3)), StoreJson.Error(attemptReader.GetString(4))!));
                }
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT " + StepColumns + " FROM steps WHERE run_id = $id ORDER BY position";
            command.Parameters.AddWithValue("$id", runId);
            using var reader = command.ExecuteReader();
            var steps = new List<StepInfo>();
            while (reader.Read())
            {
                steps.Add(ReadStep(reader, 0, attempts));
            }

            return steps;
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<StepInfo>>> GetStepsOfRunsAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        var steps = runIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new List<StepInfo>(), StringComparer.Ordinal);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT run_id, " + StepColumns + " FROM steps WHERE run_id IN (SELECT value FROM json_each($ids)) ORDER BY run_id, position";
            command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(steps.Keys, BatonJson.Options));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                steps[reader.GetString(0)].Add(ReadStep(reader, 1, []));
            }
        }

        return steps.ToDictionary(p => p.Key, p => (IReadOnlyList<StepInfo>)p.Value, StringComparer.Ordinal);
    }

    public async Task<Page<RunInfo>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            var where = new StringBuilder("WHERE 1 = 1");
            if (query.FunctionId is not null)
            {
                where.Append(" AND function_id = $function");
                command.Parameters.AddWithValue("$function", query.FunctionId);
            }

            if (query.Key is not null)
            {
                // The key part of the run's fairness queue ('<function>\x1f<key>'), checked while the scan walks runs newest first.
                where.Append(" AND flow_queue IS NOT NULL AND substr(flow_queue, instr(flow_queue, char(31)) + 1) = $key");
                command.Parameters.AddWithValue("$key", query.Key);
            }

            if (query.Statuses is { Count: > 0 } statuses)
            {
                where.Append(" AND status IN (").AppendJoin(", ", statuses.Select(s => (int)s)).Append(')');
            }

            if (query.CreatedFrom is { } from)
            {
                where.Append(" AND created_at >= $from");
                command.Parameters.AddWithValue("$from", Db.Ms(from));
            }

            if (query.CreatedTo is { } to)
            {
                where.Append(" AND created_at < $to");
                command.Parameters.AddWithValue("$to", Db.Ms(to));
            }

            if (query.Text is { Length: > 0 } text)
            {
                where.Append(" AND trigger LIKE $text ESCAPE '\\'");
                command.Parameters.AddWithValue("$text", Storage.StoreText.ContainsPattern(text));
            }

            if (query.Cursor is not null)
            {
                where.Append(" AND id < $cursor");
                command.Parameters.AddWithValue("$cursor", query.Cursor);
            }

            command.CommandText = $"SELECT {RunColumns} FROM runs {where} ORDER BY id DESC LIMIT $limit";
            command.Parameters.AddWithValue("$limit", query.Limit + 1);
            using var reader = command.ExecuteReader();
            var runs = new List<RunInfo>();
            while (reader.Read())
            {
                runs.Add(ReadRun(reader));
            }

            return ToPage(runs, query.Limit, r => r.Id);
        }
    }

    public async Task<Page<EventInfo>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var events = new List<(BatonEvent Event, DateTimeOffset ReceivedAt)>();
            using (var command = connection.CreateCommand())
            {
                var where = new StringBuilder("WHERE 1 = 1");
                if (query.Name is not null)
                {
                    where.Append(" AND name = $name");
                    command.Parameters.AddWithValue("$name", query.Name);
                }

                if (query.ReceivedFrom is { } from)
                {
                    where.Append(" AND received_at >= $from");
                    command.Parameters.AddWithValue("$from", Db.Ms(from));
                }

                if (query.ReceivedTo is { } to)
                {
                    where.Append(" AND received_at < $to");
                    command.Parameters.AddWithValue("$to", Db.Ms(to));
                }

                if (DecodeEventCursor(query.Cursor) is { } cursor)
                {
                    where.Append(" AND (received_at < $cr OR (received_at = $cr AND id < $ci))");
                    command.Parameters.AddWithValue("$cr", cursor.ReceivedAt);
                    command.Parameters.AddWithValue("$ci", cursor.Id);
                }

                command.CommandText = $"SELECT id, name, data, ts, received_at FROM events {where} ORDER BY received_at DESC, id DESC LIMIT $limit";
                command.Parameters.AddWithValue("$limit", query.Limit + 1);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var data = BatonJson.Parse(reader.GetString(2));
                    events.Add((new BatonEvent(reader.GetString(0), reader.GetString(1), data, Db.Time(reader.GetInt64(3))), Db.Time(reader.GetInt64(4))));
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
                items.Add(new EventInfo { Event = e, ReceivedAt = receivedAt, RunIds = RunIdsFor(connection, e.Id), Skips = SkipsFor(connection, e.Id) });
            }

            var next = more ? $"{events[^1].ReceivedAt.ToUnixTimeMilliseconds()}:{events[^1].Event.Id}" : null;
            return new Page<EventInfo>(items, next);
        }
    }

    private static (long ReceivedAt, string Id)? DecodeEventCursor(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !long.TryParse(cursor[..colon], System.Globalization.CultureInfo.InvariantCulture, out var receivedAt))
        {
            throw new ArgumentException($"'{cursor}' is not a valid event cursor", nameof(cursor));
        }

        return (receivedAt, cursor[(colon + 1)..]);
    }

    private static List<string> RunIdsFor(SqliteConnection connection, string eventId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM runs WHERE event_id = $id UNION SELECT run_id FROM event_runs WHERE event_id = $id ORDER BY 1";
        command.Parameters.AddWithValue("$id", eventId);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static List<EventSkip> SkipsFor(SqliteConnection connection, string eventId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT function_id, reason FROM event_skips WHERE event_id = $id ORDER BY rowid";
        command.Parameters.AddWithValue("$id", eventId);
        using var reader = command.ExecuteReader();
        var skips = new List<EventSkip>();
        while (reader.Read())
        {
            skips.Add(new EventSkip(reader.GetString(0), reader.GetString(1)));
        }

        return skips;
    }

    private const string StepColumns = "step_id, name, position, kind, status, attempts, started_at, finished_at, wake_at, output, error, detail";

    /// <summary>Reads a step whose <see cref="StepColumns"/> start at column <paramref name="o"/>.</summary>
    private static StepInfo ReadStep(SqliteDataReader reader, int o, Dictionary<string, List<StepAttempt>> attempts)
    {
        var id = reader.GetString(o);
        return new StepInfo
        {
            Id = id,
            Name = reader.GetString(o + 1),
            Position = reader.GetInt32(o + 2),
            Kind = (StepKind)reader.GetInt32(o + 3),
            Status = (StepStatus)reader.GetInt32(o + 4),
            Attempts = reader.GetInt32(o + 5),
            StartedAt = Db.Time(reader, o + 6),
            FinishedAt = Db.Time(reader, o + 7),
            WakeAt = Db.Time(reader, o + 8),
            Output = Db.Text(reader, o + 9),
            Error = StoreJson.Error(Db.Text(reader, o + 10)),
            Detail = Db.Text(reader, o + 11),
            FailedAttempts = attempts.TryGetValue(id, out var failed) ? failed : [],
        };
    }

    private static RunInfo ReadRun(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        FunctionId = reader.GetString(1),
        Status = (RunStatus)reader.GetInt32(2),
        Events = StoreJson.Events(reader.GetString(3)),
        EventId = Db.Text(reader, 4),
        CreatedAt = Db.Time(reader.GetInt64(5)),
        StartedAt = Db.Time(reader, 6),
        FinishedAt = Db.Time(reader, 7),
        DueAt = Db.Time(reader, 8),
        Output = Db.Text(reader, 9),
        Error = StoreJson.Error(Db.Text(reader, 10)),
        CancelReason = Db.Text(reader, 11),
        Progress = reader.IsDBNull(12) ? null : JsonSerializer.Deserialize<RunProgress>(reader.GetString(12), BatonJson.Options),
        Attempt = reader.GetInt32(13),
        StepCount = reader.GetInt32(14),
        ParentRunId = Db.Text(reader, 15),
    };

    private static Page<T> ToPage<T>(List<T> items, int limit, Func<T, string> cursor)
    {
        if (items.Count <= limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, cursor(items[^1]));
    }
}

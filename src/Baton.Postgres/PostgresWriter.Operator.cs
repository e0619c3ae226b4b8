using Baton.Storage;
using NpgsqlTypes;

namespace Baton.Postgres;

/// <summary>Operator state in the writer's transactions (migration 0006): the paused functions an ingest plans with, and run log lines.</summary>
internal sealed partial class PostgresWriter
{
    private PgCommand? _selectPauses;
    private PgCommand? _writeLogs;

    /// <summary>The paused functions, read inside the ingest transaction (READ COMMITTED: every pause committed before this statement).</summary>
    private async ValueTask<HashSet<string>> ReadPausesAsync()
    {
        _selectPauses ??= Prepare($"SELECT function_id FROM {_schema}.function_pauses");
        var rows = await _selectPauses.Bind().QueryAsync(static r => r.GetString(0)).ConfigureAwait(false);
        return new HashSet<string>(rows, StringComparer.Ordinal);
    }

    /// <summary>
    /// Stores a run's log lines after its stored ones in one statement: lines up to the cap are inserted, the rest (and
    /// the lines the execution dropped itself) are added to the marker row's count.
    /// </summary>
    private async ValueTask WriteLogsAsync(string runId, RunLogBatch? batch, DateTimeOffset now)
    {
        if (batch is null || (batch.Lines.Count == 0 && batch.Dropped == 0))
        {
            return;
        }

        var s = _schema;
        _writeLogs ??= Prepare(
            $"""
            WITH base AS (SELECT LEAST(COALESCE(MAX(seq), 0), $8) AS n FROM {s}.run_logs WHERE run_id = $1),
            lines AS (
                SELECT base.n + l.ord AS seq, l.at, l.level, l.step_id, l.message, l.exception
                FROM base, unnest($2, $3, $4, $5, $6) WITH ORDINALITY AS l (at, level, step_id, message, exception, ord)),
            kept AS (
                INSERT INTO {s}.run_logs (run_id, seq, at, level, step_id, message, exception)
                SELECT $1, seq, at, level, step_id, message, exception FROM lines WHERE seq <= $8)
            INSERT INTO {s}.run_logs (run_id, seq, at, level, message, dropped)
            SELECT $1, $8 + 1, COALESCE(MAX(at), $9), 3, '', COUNT(*) + $7 FROM lines WHERE seq > $8
            HAVING COUNT(*) + $7 > 0
            ON CONFLICT (run_id, seq) DO UPDATE SET dropped = {s}.run_logs.dropped + excluded.dropped, at = excluded.at
            """,
            Text, BigArray, NpgsqlDbType.Array | NpgsqlDbType.Smallint, TextArray, TextArray, TextArray, Int, Int, Big);
        var lines = batch.Lines;
        await _writeLogs.Bind(
            runId,
            lines.Select(l => Pg.Ms(l.At)).ToArray(),
            lines.Select(l => (short)l.Level).ToArray(),
            lines.Select(l => l.StepId).ToArray(),
            lines.Select(l => l.Message).ToArray(),
            lines.Select(l => l.Exception).ToArray(),
            batch.Dropped,
            batch.MaxLines,
            Pg.Ms(now)).ExecuteAsync().ConfigureAwait(false);
    }
}

using Baton.Storage;

namespace Baton.Sqlite;

/// <summary>Operator state in the writer's transactions (migration 0006): the paused functions an ingest plans with, and run log lines.</summary>
internal sealed partial class SqliteWriter
{
    private OperatorStatements? _operator;

    /// <summary>Prepared on first use, so a process that never pauses or logs never prepares them.</summary>
    private OperatorStatements Operator => _operator ??= new OperatorStatements(this);

    /// <summary>The paused functions, read inside the ingest transaction.</summary>
    private HashSet<string> ReadPauses()
    {
        var paused = new HashSet<string>(StringComparer.Ordinal);
        using var reader = Operator.SelectPauses.Read();
        while (reader.Read())
        {
            paused.Add(reader.GetString(0));
        }

        return paused;
    }

    /// <summary>Stores a run's log lines after its stored ones; lines beyond the cap are counted on the marker row.</summary>
    private void WriteLogs(string runId, RunLogBatch? batch, DateTimeOffset now)
    {
        if (batch is null || (batch.Lines.Count == 0 && batch.Dropped == 0))
        {
            return;
        }

        var statements = Operator;
        var seq = statements.LastLog.Bind(runId).Scalar() is long last ? (int)Math.Min(last, batch.MaxLines) : 0;
        var dropped = batch.Dropped;
        var droppedAt = now;
        foreach (var line in batch.Lines)
        {
            if (seq >= batch.MaxLines)
            {
                dropped++;
                droppedAt = line.At;
                continue;
            }

            statements.InsertLog.Bind(runId, ++seq, Db.Ms(line.At), (int)line.Level, line.StepId, line.Message, line.Exception).Execute();
        }

        if (dropped > 0)
        {
            statements.AddDropped.Bind(runId, batch.MaxLines + 1, Db.Ms(droppedAt), dropped).Execute();
        }
    }

    private sealed class OperatorStatements(SqliteWriter writer)
    {
        public PreparedCommand SelectPauses { get; } = writer.Prepare("SELECT function_id FROM function_pauses");

        public PreparedCommand LastLog { get; } = writer.Prepare("SELECT MAX(seq) FROM run_logs WHERE run_id = $run", "$run");

        public PreparedCommand InsertLog { get; } = writer.Prepare(
            "INSERT INTO run_logs (run_id, seq, at, level, step_id, message, exception) VALUES ($run, $seq, $at, $level, $step, $message, $exception)",
            "$run", "$seq", "$at", "$level", "$step", "$message", "$exception");

        /// <summary>The marker row: level Warning (3), the count of dropped lines growing with each batch.</summary>
        public PreparedCommand AddDropped { get; } = writer.Prepare(
            """
            INSERT INTO run_logs (run_id, seq, at, level, message, dropped) VALUES ($run, $seq, $at, 3, '', $dropped)
            ON CONFLICT (run_id, seq) DO UPDATE SET dropped = dropped + excluded.dropped, at = excluded.at
            """,
            "$run", "$seq", "$at", "$dropped");
    }
}

using System.Text.Json;
using Baton.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Sqlite;

/// <summary>The single writer connection: every state change, with statements prepared once.</summary>
internal sealed partial class SqliteWriter : IStoreWriter, IResourceWriter
{
    private const string Fence = "id = $id AND lease_owner = $owner AND lease_token = $token";
    private const int CommitsPerCheckpoint = 64;

    private readonly SqliteConnection _connection;
    private readonly PreparedCommand _begin;
    private readonly PreparedCommand _commit;
    private readonly PreparedCommand _rollback;
    private readonly PreparedCommand _insertEvent;
    private readonly PreparedCommand _selectWaits;
    private readonly PreparedCommand _insertRun;
    private readonly PreparedCommand _claimIdempotency;
    private readonly PreparedCommand _insertSkip;
    private readonly PreparedCommand _insertWait;
    private readonly PreparedCommand _deleteWait;
    private readonly PreparedCommand _deleteStepWait;
    private readonly PreparedCommand _deleteRunWaits;
    private readonly PreparedCommand _resolveWaitStep;
    private readonly PreparedCommand _wakeRun;
    private readonly PreparedCommand _selectDue;
    private readonly PreparedCommand _claim;
    private readonly PreparedCommand _nextDue;
    private readonly PreparedCommand _fenceStep;
    private readonly PreparedCommand _upsertStep;
    private readonly PreparedCommand _insertAttempt;
    private readonly PreparedCommand _suspend;
    private readonly PreparedCommand _finish;
    private readonly PreparedCommand _heartbeat;
    private readonly PreparedCommand _progress;
    private readonly PreparedCommand _cancel;
    private readonly PreparedCommand _runExists;
    private readonly PreparedCommand _recordTick;
    private readonly List<PreparedCommand> _all = [];
    private readonly WalCheckpointer _checkpointer;
    private int _commitsSinceCheckpoint;

    public SqliteWriter(SqliteConnection connection, WalCheckpointer checkpointer)
    {
        _connection = connection;
        _checkpointer = checkpointer;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _insertEvent = Prepare(
            """
            INSERT INTO events (id, name, data, ts, received_at) VALUES ($id, $name, $data, $ts, $now)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, data = excluded.data, ts = excluded.ts, received_at = excluded.received_at
            WHERE events.received_at < $cutoff
            """,
            "$id", "$name", "$data", "$ts", "$now", "$cutoff");
        _selectWaits = Prepare(
            "SELECT id, run_id, step_id, event_name, condition, trigger FROM waits WHERE event_name = $name AND (expires_at IS NULL OR expires_at > $now) ORDER BY id",
            "$name", "$now");
        _insertRun = Prepare(
            """
            INSERT INTO runs (id, function_id, status, trigger, event_id, created_at, due_at, parent_run_id, parent_step_id)
            VALUES ($id, $function, 0, $trigger, $event, $now, $now, $parent, $parentStep)
            """,
            "$id", "$function", "$trigger", "$event", "$now", "$parent", "$parentStep");
        _claimIdempotency = Prepare(
            """
            INSERT INTO idempotency (function_id, key, run_id, expires_at) VALUES ($function, $key, $run, $until)
            ON CONFLICT (function_id, key) DO UPDATE SET run_id = excluded.run_id, expires_at = excluded.expires_at
            WHERE idempotency.expires_at <= $now
            """,
            "$function", "$key", "$run", "$until", "$now");
        _insertSkip = Prepare("INSERT INTO event_skips (event_id, function_id, reason, at) VALUES ($event, $function, $reason, $now)", "$event", "$function", "$reason", "$now");
        _insertWait = Prepare(
            "INSERT INTO waits (run_id, step_id, event_name, condition, trigger, expires_at) VALUES ($run, $step, $name, $condition, $trigger, $expires)",
            "$run", "$step", "$name", "$condition", "$trigger", "$expires");
        _deleteWait = Prepare("DELETE FROM waits WHERE id = $id", "$id");
        _deleteStepWait = Prepare("DELETE FROM waits WHERE run_id = $run AND step_id = $step", "$run", "$step");
        _deleteRunWaits = Prepare("DELETE FROM waits WHERE run_id = $run", "$run");
        _resolveWaitStep = Prepare(
            "UPDATE steps SET status = $status, output = $output, error = $error, finished_at = $now WHERE run_id = $run AND step_id = $step AND status = 3",
            "$status", "$output", "$error", "$now", "$run", "$step");
        _wakeRun = Prepare(
            "UPDATE runs SET wake_pending = 1, due_at = CASE WHEN lease_owner IS NULL THEN $now ELSE due_at END WHERE id = $run AND status < 4",
            "$now", "$run");
        _selectDue = Prepare("SELECT id, due_at FROM runs WHERE due_at <= $now AND flow_queue IS NULL ORDER BY due_at LIMIT $limit", "$now", "$limit");
        _claim = Prepare(
            """
            UPDATE runs SET status = 1, lease_owner = $owner, lease_token = lease_token + 1, due_at = $until, claims = claims + 1,
                wake_pending = 0, started_at = COALESCE(started_at, $now)
            WHERE id IN (SELECT id FROM runs WHERE due_at <= $now AND flow_queue IS NULL ORDER BY due_at LIMIT $limit)
            RETURNING id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress
            """,
            "$owner", "$until", "$now", "$limit");
        _nextDue = Prepare("SELECT MIN(due_at) FROM runs WHERE due_at IS NOT NULL AND flow_queue IS NULL AND (lease_owner IS NULL OR lease_owner <> $owner)", "$owner");
        // A read, not a write: rewriting the run's row (with its trigger payload) for every step would double a step's cost.
        _fenceStep = Prepare($"SELECT 1 FROM runs WHERE {Fence}", "$id", "$owner", "$token");
        _upsertStep = Prepare(
            """
            INSERT INTO steps (run_id, step_id, name, position, kind, status, attempts, started_at, finished_at, wake_at, output, error, detail)
            VALUES ($run, $step, $name, $position, $kind, $status, $attempts, $started, $finished, $wake, $output, $error, $detail)
            ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, started_at = excluded.started_at,
                finished_at = excluded.finished_at, wake_at = excluded.wake_at, output = excluded.output, error = excluded.error, detail = excluded.detail
            WHERE steps.status <> 0
            """,
            "$run", "$step", "$name", "$position", "$kind", "$status", "$attempts", "$started", "$finished", "$wake", "$output", "$error", "$detail");
        _insertAttempt = Prepare(
            "INSERT OR REPLACE INTO step_attempts (run_id, step_id, attempt, started_at, finished_at, error) VALUES ($run, $step, $attempt, $started, $finished, $error)",
            "$run", "$step", "$attempt", "$started", "$finished", "$error");
        _suspend = Prepare(
            $"""
            UPDATE runs SET status = $status, lease_owner = NULL, due_at = CASE WHEN wake_pending = 1 THEN $now ELSE $wake END,
                attempt = $attempt, error = $error, progress = COALESCE($progress, progress)
            WHERE {Fence}
            """,
            "$status", "$now", "$wake", "$attempt", "$error", "$progress", "$id", "$owner", "$token");
        _finish = Prepare(
            $"""
            UPDATE runs SET status = $status, lease_owner = NULL, due_at = NULL, finished_at = $now, output = $output, error = $error,
                progress = COALESCE($progress, progress)
            WHERE {Fence}
            RETURNING parent_run_id, parent_step_id
            """,
            "$status", "$now", "$output", "$error", "$progress", "$id", "$owner", "$token");
        _heartbeat = Prepare($"UPDATE runs SET due_at = $until WHERE {Fence}", "$until", "$id", "$owner", "$token");
        _progress = Prepare($"UPDATE runs SET progress = $progress WHERE {Fence}", "$progress", "$id", "$owner", "$token");
        _cancel = Prepare(
            """
            UPDATE runs SET status = 6, cancel_reason = $reason, finished_at = $now, due_at = NULL, lease_owner = NULL, lease_token = lease_token + 1
            WHERE id = $id AND status < 4
            RETURNING parent_run_id, parent_step_id, function_id
            """,
            "$reason", "$now", "$id");
        _runExists = Prepare("SELECT COUNT(*) FROM runs WHERE id = $id", "$id");
        _recordTick = Prepare(
            "INSERT INTO cron_ticks (schedule, last_tick) VALUES ($schedule, $tick) ON CONFLICT (schedule) DO UPDATE SET last_tick = MAX(last_tick, excluded.last_tick)",
            "$schedule", "$tick");
    }

    /// <summary>The writer's own connection, whose per-connection settings (synchronous, busy timeout) tests inspect.</summary>
    internal SqliteConnection Connection => _connection;

    public ValueTask BeginAsync(CancellationToken cancellationToken)
    {
        _begin.Execute();
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        _commit.Execute();
        if (++_commitsSinceCheckpoint >= CommitsPerCheckpoint)
        {
            _commitsSinceCheckpoint = 0;
            _checkpointer.Request();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RollbackAsync(CancellationToken cancellationToken)
    {
        if (!_connection.State.HasFlag(System.Data.ConnectionState.Open))
        {
            return ValueTask.CompletedTask;
        }

        try
        {
            _rollback.Execute();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            // "cannot rollback - no transaction is active": the failed statement already ended it.
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IngestResult> IngestEventsAsync(IngestCommand command, CancellationToken cancellationToken)
        => ValueTask.FromResult(Ingest(command));

    public ValueTask<ClaimResult> ClaimDueRunsAsync(ClaimCommand command, CancellationToken cancellationToken)
        => command.FlowControl ? ClaimWithFlowAsync(command) : ValueTask.FromResult(ClaimPlain(command));

    /// <summary>Claims due runs without flow control (flow-controlled runs are claimed by <see cref="Baton.Flow.FlowClaimer"/>).</summary>
    private ClaimResult ClaimPlain(ClaimCommand command)
    {
        var runs = new List<ClaimedRun>(command.Limit);

        // The claim overwrites due_at, so read when each run became due first (same transaction, same rows).
        var dueAt = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var reader = _selectDue.Bind(Db.Ms(command.Now), command.Limit).Read())
        {
            while (reader.Read())
            {
                dueAt[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        using (var reader = _claim.Bind(command.Owner, Db.Ms(command.LeaseUntil), Db.Ms(command.Now), command.Limit).Read())
        {
            while (reader.Read())
            {
                runs.Add(ReadClaimed(reader, dueAt.TryGetValue(reader.GetString(0), out var due) ? Db.Time(due) : null));
            }
        }

        var next = _nextDue.Bind(command.Owner).Scalar();
        DateTimeOffset? nextDue = next is long ms ? Db.Time(ms) : null;
        return new ClaimResult(runs, nextDue);
    }

    public ValueTask<FenceResult> CommitStepAsync(CommitStepCommand command, CancellationToken cancellationToken)
    {
        var lease = command.Lease;
        if (_fenceStep.Bind(lease.RunId, lease.Owner, lease.Token).Scalar() is null)
        {
            return ValueTask.FromResult(FenceResult.LeaseLost);
        }

        var step = command.Step;
        _upsertStep.Bind(
            lease.RunId, step.StepId, step.Name, step.Position, (int)step.Kind, (int)step.Status, step.Attempts,
            Db.Ms(step.StartedAt), Db.Ms(step.FinishedAt), Db.Ms(step.WakeAt), step.OutputJson, StoreJson.Error(step.Error), step.DetailJson).Execute();
        if (command.FailedAttempt is { } failed)
        {
            _insertAttempt.Bind(lease.RunId, step.StepId, failed.Attempt, Db.Ms(failed.StartedAt), Db.Ms(failed.FinishedAt), StoreJson.Error(failed.Error)).Execute();
        }

        if (command.Wait is { } wait)
        {
            InsertWait(wait);
        }

        if (command.DeleteWait)
        {
            _deleteStepWait.Bind(lease.RunId, step.StepId).Execute();
        }

        if (command.ChildRun is { } child)
        {
            InsertRun(child, command.Now);
        }

        if (command.Events is { } events)
        {
            Ingest(events);
        }

        WriteLogs(lease.RunId, command.Logs, command.Now);
        return ValueTask.FromResult(FenceResult.Applied);
    }

    public ValueTask<FenceResult> SuspendRunAsync(SuspendRunCommand command, CancellationToken cancellationToken)
    {
        var lease = command.Lease;
        var changed = _suspend.Bind(
            (int)command.Status, Db.Ms(command.Now), Db.Ms(command.WakeAt), command.Attempt, StoreJson.Error(command.Error),
            Progress(command.Progress), lease.RunId, lease.Owner, lease.Token).Execute();
        if (changed == 1)
        {
            WriteLogs(lease.RunId, command.Logs, command.Now);
        }

        return ValueTask.FromResult(changed == 1 ? FenceResult.Applied : FenceResult.LeaseLost);
    }

    public ValueTask<FenceResult> FinishRunAsync(FinishRunCommand command, CancellationToken cancellationToken)
    {
        var lease = command.Lease;
        string? parentRun = null;
        string? parentStep = null;
        var found = false;
        using (var reader = _finish.Bind(
            (int)command.Status, Db.Ms(command.Now), command.OutputJson, StoreJson.Error(command.Error), Progress(command.Progress),
            lease.RunId, lease.Owner, lease.Token).Read())
        {
            if (reader.Read())
            {
                found = true;
                parentRun = Db.Text(reader, 0);
                parentStep = Db.Text(reader, 1);
            }
        }

        if (!found)
        {
            return ValueTask.FromResult(FenceResult.LeaseLost);
        }

        _deleteRunWaits.Bind(lease.RunId).Execute();
        WriteLogs(lease.RunId, command.Logs, command.Now);
        if (parentRun is not null && parentStep is not null)
        {
            var (status, error) = command.Status == RunStatus.Completed
                ? (StepStatus.Completed, null)
                : (StepStatus.Failed, command.Error ?? new ErrorInfo("RunCancelled", $"Invoked run '{lease.RunId}' was cancelled"));
            ResolveStep(parentRun, parentStep, status, command.OutputJson, error, command.Now);
        }

        if (command.FailureRun is { } failureRun)
        {
            InsertRun(failureRun, command.Now);
        }

        return ValueTask.FromResult(FenceResult.Applied);
    }

    public ValueTask<int> HeartbeatAsync(HeartbeatCommand command, CancellationToken cancellationToken)
    {
        var until = Db.Ms(command.LeaseUntil);
        var extended = 0;
        foreach (var lease in command.Leases)
        {
            extended += _heartbeat.Bind(until, lease.RunId, lease.Owner, lease.Token).Execute();
        }

        return ValueTask.FromResult(extended);
    }

    public ValueTask<FenceResult> SaveProgressAsync(ProgressCommand command, CancellationToken cancellationToken)
    {
        var lease = command.Lease;
        var changed = _progress.Bind(Progress(command.Progress), lease.RunId, lease.Owner, lease.Token).Execute();
        return ValueTask.FromResult(changed == 1 ? FenceResult.Applied : FenceResult.LeaseLost);
    }

    public ValueTask<CancelResult> CancelRunAsync(CancelCommand command, CancellationToken cancellationToken)
        => ValueTask.FromResult(Cancel(command.RunId, command.Reason, command.Now, out _));

    public bool IsTransient(Exception error) => error is SqliteException { SqliteErrorCode: 5 or 6 };

    public ValueTask DisposeAsync()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }

        _checkpointer.Dispose();
        try
        {
            SqliteStore.Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        catch (SqliteException)
        {
            // Another process holds the database; it will checkpoint.
        }

        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private CancelResult Cancel(string runId, string reason, DateTimeOffset now, out string? functionId)
    {
        string? parentRun = null;
        string? parentStep = null;
        functionId = null;
        var found = false;
        using (var reader = _cancel.Bind(reason, Db.Ms(now), runId).Read())
        {
            if (reader.Read())
            {
                found = true;
                parentRun = Db.Text(reader, 0);
                parentStep = Db.Text(reader, 1);
                functionId = reader.GetString(2);
            }
        }

        if (!found)
        {
            return Convert.ToInt64(_runExists.Bind(runId).Scalar(), System.Globalization.CultureInfo.InvariantCulture) == 0
                ? CancelResult.NotFound
                : CancelResult.AlreadyFinished;
        }

        _deleteRunWaits.Bind(runId).Execute();
        if (parentRun is not null && parentStep is not null)
        {
            ResolveStep(parentRun, parentStep, StepStatus.Failed, null, new ErrorInfo("RunCancelled", $"Invoked run '{runId}' was cancelled: {reason}"), now);
        }

        return CancelResult.Cancelled;
    }

    private IngestResult Ingest(IngestCommand command)
    {
        var now = Db.Ms(command.Now);
        var cutoff = Db.Ms(command.Now - command.DedupeWindow);
        if (command.CronTick is { } tick)
        {
            _recordTick.Bind(tick.Schedule, Db.Ms(tick.Tick)).Execute();
        }

        var fresh = new List<EventRecord>(command.Events.Count);
        foreach (var e in command.Events)
        {
            if (_insertEvent.Bind(e.Id, e.Name, e.DataJson, Db.Ms(e.Timestamp), now, cutoff).Execute() == 1)
            {
                fresh.Add(e);
            }
        }

        if (fresh.Count == 0)
        {
            return IngestResult.Empty;
        }

        var waits = new List<PendingWait>();
        foreach (var name in fresh.Select(e => e.Name).Distinct(StringComparer.Ordinal))
        {
            using var reader = _selectWaits.Bind(name, now).Read();
            while (reader.Read())
            {
                waits.Add(new PendingWait(reader.GetInt64(0), reader.GetString(1), Db.Text(reader, 2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }
        }

        var plan = command.Planner.ReadsPauses(fresh) ? command.Planner.Plan(fresh, waits, command.Now, ReadPauses()) : command.Planner.Plan(fresh, waits, command.Now);
        var created = new List<NewRun>(plan.Runs.Count);
        foreach (var run in plan.Runs)
        {
            if (run.IdempotencyKey is { } key && _claimIdempotency.Bind(run.FunctionId, key, run.RunId, Db.Ms(run.IdempotencyUntil), now).Execute() == 0)
            {
                _insertSkip.Bind(run.EventId, run.FunctionId, $"idempotency key '{key}' was already used within 24 hours", now).Execute();
                continue;
            }

            InsertRun(run, command.Now);
            created.Add(run);
        }

        foreach (var (eventId, functionId, reason) in plan.Skips)
        {
            _insertSkip.Bind(eventId, functionId, reason, now).Execute();
        }

        var woken = 0;
        foreach (var (wait, eventJson) in plan.ResolvedWaits)
        {
            _deleteWait.Bind(wait.WaitId).Execute();
            woken += ResolveStep(wait.RunId, wait.StepId!, StepStatus.Completed, eventJson, null, command.Now) ? 1 : 0;
        }

        var cancelled = new List<CancelledRun>();
        foreach (var (wait, reason) in plan.CancelledRuns)
        {
            if (Cancel(wait.RunId, reason, command.Now, out var functionId) == CancelResult.Cancelled)
            {
                cancelled.Add(new CancelledRun(wait.RunId, functionId!));
            }
        }

        if (plan.HasFlowRuns)
        {
            woken += ApplyFlowRuns(plan.FlowRuns, command.Now, created, cancelled);
        }

        return new IngestResult(fresh.Select(e => e.Id).ToArray(), created, woken, cancelled);
    }

    /// <summary>A leased run from a row of <c>id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress</c>.</summary>
    private static ClaimedRun ReadClaimed(PreparedCommand.RowReader reader, DateTimeOffset? dueAt) => new()
    {
        RunId = reader.GetString(0),
        FunctionId = reader.GetString(1),
        TriggerJson = reader.GetString(2),
        Token = reader.GetInt64(3),
        Attempt = reader.GetInt32(4),
        Claims = reader.GetInt32(5),
        CreatedAt = Db.Time(reader.GetInt64(6)),
        StartedAt = Db.Time(reader.GetInt64(7)),
        Progress = reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<RunProgress>(reader.GetString(8), Internal.BatonJson.Options),
        DueAt = dueAt,
    };

    private void InsertRun(NewRun run, DateTimeOffset now)
    {
        if (run.Flow is { } flow)
        {
            InsertFlowRun(run, flow, now);
        }
        else
        {
            _insertRun.Bind(run.RunId, run.FunctionId, run.TriggerJson, run.EventId, Db.Ms(now), run.ParentRunId, run.ParentStepId).Execute();
        }

        foreach (var wait in run.CancelWaits)
        {
            InsertWait(wait);
        }
    }

    private void InsertWait(NewWait wait)
        => _insertWait.Bind(wait.RunId, wait.StepId, wait.EventName, wait.Condition, wait.TriggerJson, Db.Ms(wait.ExpiresAt)).Execute();

    /// <summary>Completes a waiting step (wait or invoke) and makes its run due; false when the step was no longer waiting.</summary>
    private bool ResolveStep(string runId, string stepId, StepStatus status, string? output, ErrorInfo? error, DateTimeOffset now)
    {
        if (_resolveWaitStep.Bind((int)status, output, StoreJson.Error(error), Db.Ms(now), runId, stepId).Execute() == 0)
        {
            return false;
        }

        _wakeRun.Bind(Db.Ms(now), runId).Execute();
        return true;
    }

    private static string? Progress(RunProgress? progress) => progress is null ? null : JsonSerializer.Serialize(progress, Internal.BatonJson.Options);

    private PreparedCommand Prepare(string sql, params string[] parameters)
    {
        var command = new PreparedCommand(_connection, sql, parameters);
        _all.Add(command);
        return command;
    }
}

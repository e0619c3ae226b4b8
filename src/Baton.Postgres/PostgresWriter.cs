using System.Text.Json;
using Baton.Internal;
using Baton.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Baton.Postgres;

/// <summary>The process's writer connection to PostgreSQL: every state change, one transaction per batch.</summary>
internal sealed partial class PostgresWriter : IPipelinedStoreWriter, IResourceWriter
{
    private const NpgsqlDbType Text = NpgsqlDbType.Text;
    private const NpgsqlDbType Big = NpgsqlDbType.Bigint;
    private const NpgsqlDbType Int = NpgsqlDbType.Integer;
    private const NpgsqlDbType Small = NpgsqlDbType.Smallint;
    private const NpgsqlDbType TextArray = NpgsqlDbType.Array | NpgsqlDbType.Text;
    private const NpgsqlDbType BigArray = NpgsqlDbType.Array | NpgsqlDbType.Bigint;

    private readonly NpgsqlConnection _connection;
    private readonly PgPipeline _pipeline;
    private readonly PgCommand _insertEvents;
    private readonly PgCommand _insertRuns;
    private readonly PgCommand _selectWaits;
    private readonly PgCommand _claimIdempotency;
    private readonly PgCommand _insertSkip;
    private readonly PgCommand _insertWait;
    private readonly PgCommand _deleteWait;
    private readonly PgCommand _deleteStepWait;
    private readonly PgCommand _deleteRunWaits;
    private readonly PgCommand _resolveStep;
    private readonly PgCommand _wakeRun;
    private readonly PgCommand _claim;
    private readonly PgCommand _upsertStep;
    private readonly PgCommand _insertAttempt;
    private readonly PgCommand _suspend;
    private readonly PgCommand _finish;
    private readonly PgCommand _heartbeat;
    private readonly PgCommand _progress;
    private readonly PgCommand _cancel;
    private readonly PgCommand _runExists;
    private readonly PgCommand _recordTick;
    private readonly List<PgCommand> _all = [];
    private readonly PgCommand _notify;
    private NpgsqlTransaction? _transaction;

    /// <summary>Set when the open transaction made work due now; one notification goes out with its commit.</summary>
    private bool _madeWorkDue;

    public PostgresWriter(NpgsqlConnection connection, string schema, string channel)
    {
        _connection = connection;
        _schema = schema;
        _pipeline = new PgPipeline(connection);
        _notify = Prepare($"SELECT pg_notify('{channel}', '')");
        var s = schema;
        const string fence = "id = $1 AND lease_owner = $2 AND lease_token = $3";

        // Finishing removes the run's subscriptions in the same round trip.
        // Events and runs go in as arrays: one statement per batch, whatever its size.
        _insertEvents = Prepare(
            $"""
            INSERT INTO {s}.events (id, name, data, ts, received_at)
            SELECT id, name, data, ts, $5 FROM unnest($1, $2, $3, $4) AS e (id, name, data, ts)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, data = excluded.data, ts = excluded.ts, received_at = excluded.received_at
            WHERE {s}.events.received_at < $6
            RETURNING id
            """,
            TextArray, TextArray, TextArray, BigArray, Big, Big);
        _insertRuns = Prepare(
            $"""
            INSERT INTO {s}.runs (id, function_id, status, trigger, event_id, created_at, due_at, parent_run_id, parent_step_id)
            SELECT id, function_id, 0, trigger, event_id, $7, $7, parent_run_id, parent_step_id
            FROM unnest($1, $2, $3, $4, $5, $6) AS r (id, function_id, trigger, event_id, parent_run_id, parent_step_id)
            """,
            TextArray, TextArray, TextArray, TextArray, TextArray, TextArray, Big);
        _selectWaits = Prepare(
            $"SELECT id, run_id, step_id, event_name, condition, trigger FROM {s}.waits WHERE event_name = ANY($1) AND (expires_at IS NULL OR expires_at > $2) ORDER BY id",
            TextArray, Big);
        _claimIdempotency = Prepare(
            $"""
            INSERT INTO {s}.idempotency (function_id, key, run_id, expires_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (function_id, key) DO UPDATE SET run_id = excluded.run_id, expires_at = excluded.expires_at
            WHERE {s}.idempotency.expires_at <= $5
            """,
            Text, Text, Text, Big, Big);
        _insertSkip = Prepare($"INSERT INTO {s}.event_skips (event_id, function_id, reason, at) VALUES ($1, $2, $3, $4)", Text, Text, Text, Big);
        _insertWait = Prepare(
            $"INSERT INTO {s}.waits (run_id, step_id, event_name, condition, trigger, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            Text, Text, Text, Text, Text, Big);
        _deleteWait = Prepare($"DELETE FROM {s}.waits WHERE id = $1", Big);
        _deleteStepWait = Prepare($"DELETE FROM {s}.waits WHERE run_id = $1 AND step_id = $2", Text, Text);
        _deleteRunWaits = Prepare($"DELETE FROM {s}.waits WHERE run_id = $1", Text);
        _resolveStep = Prepare(
            $"UPDATE {s}.steps SET status = $1, output = $2, error = $3, finished_at = $4 WHERE run_id = $5 AND step_id = $6 AND status = 3",
            Small, Text, Text, Big, Text, Text);
        _wakeRun = Prepare(
            $"UPDATE {s}.runs SET wake_pending = true, due_at = CASE WHEN lease_owner IS NULL THEN $1 ELSE due_at END WHERE id = $2 AND status < 4",
            Big, Text);
        // One round trip: the claimed runs, then one row with the next due time of what is left (the claimed rows
        // were due by $3, so "due after $3" excludes them even though the subquery sees the pre-update snapshot).
        _claim = Prepare(
            $"""
            WITH claimed AS (
                UPDATE {s}.runs r SET status = 1, lease_owner = $1, lease_token = r.lease_token + 1, due_at = $2, claims = r.claims + 1,
                    wake_pending = false, started_at = COALESCE(r.started_at, $3)
                FROM (SELECT id, due_at FROM {s}.runs WHERE due_at <= $3 AND flow_queue IS NULL ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
                WHERE r.id = due.id
                RETURNING r.id, r.function_id, r.trigger, r.lease_token, r.attempt, r.claims, r.created_at, r.started_at, r.progress, due.due_at AS was_due)
            SELECT id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress, was_due, NULL::bigint FROM claimed
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, (SELECT MIN(due_at) FROM {s}.runs WHERE due_at > $3 AND flow_queue IS NULL AND (lease_owner IS NULL OR lease_owner <> $1))
            """,
            Text, Big, Big, Int);
        // The fence and the write in one round trip: the step is written only while the lease holds, and the
        // statement answers whether it held.
        _upsertStep = Prepare(
            $"""
            WITH fence AS (SELECT 1 FROM {s}.runs WHERE id = $1 AND lease_owner = $14 AND lease_token = $15 FOR SHARE),
            written AS (
                INSERT INTO {s}.steps (run_id, step_id, name, position, kind, status, attempts, started_at, finished_at, wake_at, output, error, detail)
                SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM fence
                ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, started_at = excluded.started_at,
                    finished_at = excluded.finished_at, wake_at = excluded.wake_at, output = excluded.output, error = excluded.error, detail = excluded.detail
                WHERE {s}.steps.status <> 0
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM fence)
            """,
            Text, Text, Text, Int, Small, Small, Int, Big, Big, Big, Text, Text, Text, Text, Big);
        _insertAttempt = Prepare(
            $"""
            INSERT INTO {s}.step_attempts (run_id, step_id, attempt, started_at, finished_at, error) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (run_id, step_id, attempt) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at, error = excluded.error
            """,
            Text, Text, Int, Big, Big, Text);
        _suspend = Prepare(
            $"""
            UPDATE {s}.runs SET status = $4, lease_owner = NULL, due_at = CASE WHEN wake_pending THEN $5 ELSE $6 END,
                attempt = $7, error = $8, progress = COALESCE($9, progress)
            WHERE {fence}
            """,
            Text, Text, Big, Small, Big, Big, Int, Text, Text);
        _finish = Prepare(
            $"""
            WITH finished AS (
                UPDATE {s}.runs SET status = $4, lease_owner = NULL, due_at = NULL, finished_at = $5, output = $6, error = $7,
                    progress = COALESCE($8, progress)
                WHERE {fence}
                RETURNING id, parent_run_id, parent_step_id),
            unsubscribed AS (DELETE FROM {s}.waits WHERE run_id IN (SELECT id FROM finished))
            SELECT parent_run_id, parent_step_id FROM finished
            """,
            Text, Text, Big, Small, Big, Text, Text, Text);
        _heartbeat = Prepare(
            $"""
            UPDATE {s}.runs r SET due_at = $1 FROM unnest($2, $3, $4) AS l (id, owner, token)
            WHERE r.id = l.id AND r.lease_owner = l.owner AND r.lease_token = l.token
            """,
            Big, TextArray, TextArray, BigArray);
        _progress = Prepare($"UPDATE {s}.runs SET progress = $4 WHERE {fence}", Text, Text, Big, Text);
        _cancel = Prepare(
            $"""
            UPDATE {s}.runs SET status = 6, cancel_reason = $1, finished_at = $2, due_at = NULL, lease_owner = NULL, lease_token = lease_token + 1
            WHERE id = $3 AND status < 4
            RETURNING parent_run_id, parent_step_id, function_id
            """,
            Text, Big, Text);
        _runExists = Prepare($"SELECT COUNT(*) FROM {s}.runs WHERE id = $1", Text);
        _recordTick = Prepare(
            $"""
            INSERT INTO {s}.cron_ticks (schedule, last_tick) VALUES ($1, $2)
            ON CONFLICT (schedule) DO UPDATE SET last_tick = GREATEST({s}.cron_ticks.last_tick, excluded.last_tick)
            """,
            Text, Big);
        PrepareFlow(s);
    }

    public async ValueTask BeginAsync(CancellationToken cancellationToken)
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            // The server restarted or the network dropped the connection: Npgsql left it closed (broken). The same
            // connection object is opened again on a new session, so the statements bound to it keep working (Npgsql
            // prepares them again on the new session). A failure here is transient and the writer retries it.
            await _connection.CloseAsync().ConfigureAwait(false);
            await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        _transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_madeWorkDue)
        {
            // NOTIFY is transactional: other nodes hear it only if, and once, this batch commits.
            await _notify.Bind().ScalarAsync().ConfigureAwait(false);
            _madeWorkDue = false;
        }

        await _transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        await _transaction.DisposeAsync().ConfigureAwait(false);
        _transaction = null;
    }

    public async ValueTask RollbackAsync(CancellationToken cancellationToken)
    {
        if (_transaction is null)
        {
            return;
        }

        _madeWorkDue = false;
        try
        {
            await _transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }
    }

    /// <summary>Round trips the last <see cref="ApplyTogetherAsync"/> made.</summary>
    internal int LastRounds => _pipeline.Rounds;

    public ValueTask ApplyTogetherAsync(IReadOnlyList<Func<ValueTask>> commands, CancellationToken cancellationToken)
        => _pipeline.RunAsync(commands, cancellationToken);

    public ValueTask<IngestResult> IngestEventsAsync(IngestCommand command, CancellationToken cancellationToken) => IngestAsync(command);

    public ValueTask<ClaimResult> ClaimDueRunsAsync(ClaimCommand command, CancellationToken cancellationToken)
        => command.FlowControl ? ClaimWithFlowAsync(command, cancellationToken) : ClaimPlainAsync(command, cancellationToken);

    /// <summary>Claims due runs without flow control (flow-controlled runs are claimed by <see cref="Baton.Flow.FlowClaimer"/>).</summary>
    private async ValueTask<ClaimResult> ClaimPlainAsync(ClaimCommand command, CancellationToken cancellationToken)
    {
        var runs = new List<ClaimedRun>(command.Limit);
        DateTimeOffset? next = null;
        var rows = await _claim.Bind(command.Owner, Pg.Ms(command.LeaseUntil), Pg.Ms(command.Now), command.Limit).QueryAsync(static reader =>
        {
            if (reader.IsDBNull(0))
            {
                return (Run: (ClaimedRun?)null, Next: reader.IsDBNull(10) ? (DateTimeOffset?)null : Pg.Time(reader.GetInt64(10)));
            }

            return (ReadClaimed(reader, Pg.Time(reader.GetInt64(9))), null);
        }).ConfigureAwait(false);
        foreach (var (run, nextDue) in rows)
        {
            if (run is null)
            {
                next = nextDue;
            }
            else
            {
                runs.Add(run);
            }
        }

        return new ClaimResult(runs, next);
    }

    public async ValueTask<FenceResult> CommitStepAsync(CommitStepCommand command, CancellationToken cancellationToken)
    {
        var lease = command.Lease;
        var step = command.Step;
        var held = await _upsertStep.Bind(
            lease.RunId, step.StepId, step.Name, step.Position, (short)step.Kind, (short)step.Status, step.Attempts,
            Pg.Ms(step.StartedAt), Pg.Ms(step.FinishedAt), Pg.Ms(step.WakeAt), step.OutputJson, StoreJson.Error(step.Error), step.DetailJson,
            lease.Owner, lease.Token).ScalarAsync().ConfigureAwait(false);
        if (held is not true)
        {
            return FenceResult.LeaseLost;
        }

        if (command.FailedAttempt is { } failed)
        {
            await _insertAttempt.Bind(lease.RunId, step.StepId, failed.Attempt, Pg.Ms(failed.StartedAt), Pg.Ms(failed.FinishedAt), StoreJson.Error(failed.Error)).ExecuteAsync().ConfigureAwait(false);
        }

        if (command.Wait is { } wait)
        {
            await InsertWaitAsync(wait).ConfigureAwait(false);
        }

        if (command.DeleteWait)
        {
            await _deleteStepWait.Bind(lease.RunId, step.StepId).ExecuteAsync().ConfigureAwait(false);
        }

        if (command.ChildRun is { } child)
        {
            await InsertRunAsync(child, command.Now).ConfigureAwait(false);
        }

        if (command.Events is { } events)
        {
            await IngestAsync(events).ConfigureAwait(false);
        }

        await WriteLogsAsync(lease.RunId, command.Logs, command.Now).ConfigureAwait(false);
        return FenceResult.Applied;
    }

    public async ValueTask<FenceResult> SuspendRunAsync(SuspendRunCommand command, CancellationToken cancellationToken)
    {
        var lease = command.Lease;
        var changed = await _suspend.Bind(
            lease.RunId, lease.Owner, lease.Token, (short)command.Status, Pg.Ms(command.Now), Pg.Ms(command.WakeAt), command.Attempt,
            StoreJson.Error(command.Error), Progress(command.Progress)).ExecuteAsync().ConfigureAwait(false);
        if (changed == 1 && (command.WakeAt <= command.Now || command.FlowControlled))
        {
            // Handed back for another worker to take now (a shutdown drain), or a concurrency slot freed.
            _madeWorkDue = true;
        }

        if (changed == 1)
        {
            await WriteLogsAsync(lease.RunId, command.Logs, command.Now).ConfigureAwait(false);
        }

        return changed == 1 ? FenceResult.Applied : FenceResult.LeaseLost;
    }

    public async ValueTask<FenceResult> FinishRunAsync(FinishRunCommand command, CancellationToken cancellationToken)
    {
        var lease = command.Lease;
        var (found, parentRun, parentStep, _) = await ReadParentAsync(_finish.Bind(
            lease.RunId, lease.Owner, lease.Token, (short)command.Status, Pg.Ms(command.Now), command.OutputJson, StoreJson.Error(command.Error),
            Progress(command.Progress))).ConfigureAwait(false);
        if (!found)
        {
            return FenceResult.LeaseLost;
        }

        _madeWorkDue |= command.FlowControlled;
        await WriteLogsAsync(lease.RunId, command.Logs, command.Now).ConfigureAwait(false);
        if (parentRun is not null && parentStep is not null)
        {
            var (status, error) = command.Status == RunStatus.Completed
                ? (StepStatus.Completed, null)
                : (StepStatus.Failed, command.Error ?? new ErrorInfo("RunCancelled", $"Invoked run '{lease.RunId}' was cancelled"));
            await ResolveStepAsync(parentRun, parentStep, status, command.OutputJson, error, command.Now).ConfigureAwait(false);
        }

        if (command.FailureRun is { } failureRun)
        {
            await InsertRunAsync(failureRun, command.Now).ConfigureAwait(false);
        }

        return FenceResult.Applied;
    }

    public async ValueTask<int> HeartbeatAsync(HeartbeatCommand command, CancellationToken cancellationToken)
        => command.Leases.Count == 0
            ? 0
            : await _heartbeat.Bind(
                Pg.Ms(command.LeaseUntil), command.Leases.Select(l => l.RunId).ToArray(), command.Leases.Select(l => l.Owner).ToArray(),
                command.Leases.Select(l => l.Token).ToArray()).ExecuteAsync().ConfigureAwait(false);

    public async ValueTask<FenceResult> SaveProgressAsync(ProgressCommand command, CancellationToken cancellationToken)
    {
        var lease = command.Lease;
        var changed = await _progress.Bind(lease.RunId, lease.Owner, lease.Token, Progress(command.Progress)).ExecuteAsync().ConfigureAwait(false);
        return changed == 1 ? FenceResult.Applied : FenceResult.LeaseLost;
    }

    public async ValueTask<CancelResult> CancelRunAsync(CancelCommand command, CancellationToken cancellationToken)
        => (await CancelAsync(command.RunId, command.Reason, command.Now).ConfigureAwait(false)).Result;

    public bool IsTransient(Exception error) => error switch
    {
        PostgresException
        {
            SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable
                or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
        } => true,
        NpgsqlException npgsql when npgsql.IsTransient => true,

        // Whatever the error said, a connection that broke under it is opened again by the next attempt.
        NpgsqlException or InvalidOperationException or IOException => _connection.State != System.Data.ConnectionState.Open,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }

        if (_transaction is not null)
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask<(CancelResult Result, string? FunctionId)> CancelAsync(string runId, string reason, DateTimeOffset now)
    {
        var (found, parentRun, parentStep, functionId) = await ReadParentAsync(_cancel.Bind(reason, Pg.Ms(now), runId)).ConfigureAwait(false);
        if (!found)
        {
            var count = await _runExists.Bind(runId).ScalarAsync().ConfigureAwait(false);
            return (Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture) == 0 ? CancelResult.NotFound : CancelResult.AlreadyFinished, null);
        }

        await _deleteRunWaits.Bind(runId).ExecuteAsync().ConfigureAwait(false);
        if (parentRun is not null && parentStep is not null)
        {
            await ResolveStepAsync(parentRun, parentStep, StepStatus.Failed, null, new ErrorInfo("RunCancelled", $"Invoked run '{runId}' was cancelled: {reason}"), now).ConfigureAwait(false);
        }

        return (CancelResult.Cancelled, functionId);
    }

    private async ValueTask<IngestResult> IngestAsync(IngestCommand command)
    {
        var now = Pg.Ms(command.Now);
        var cutoff = Pg.Ms(command.Now - command.DedupeWindow);
        if (command.CronTick is { } tick)
        {
            await _recordTick.Bind(tick.Schedule, Pg.Ms(tick.Tick)).ExecuteAsync().ConfigureAwait(false);
        }

        // An id repeated inside one batch counts once (the first), as it would one statement at a time.
        var batch = command.Events.DistinctBy(e => e.Id, StringComparer.Ordinal).ToArray();
        var stored = new HashSet<string>(
            await _insertEvents.Bind(
                batch.Select(e => e.Id).ToArray(), batch.Select(e => e.Name).ToArray(), batch.Select(e => e.DataJson).ToArray(),
                batch.Select(e => Pg.Ms(e.Timestamp)).ToArray(), now, cutoff).QueryAsync(static r => r.GetString(0)).ConfigureAwait(false),
            StringComparer.Ordinal);

        var fresh = batch.Where(e => stored.Contains(e.Id)).ToList();
        if (fresh.Count == 0)
        {
            return IngestResult.Empty;
        }

        var names = fresh.Select(e => e.Name).Distinct(StringComparer.Ordinal).ToArray();
        var waits = await _selectWaits.Bind(names, now).QueryAsync(
            static reader => new PendingWait(reader.GetInt64(0), reader.GetString(1), Pg.Text(reader, 2), reader.GetString(3), reader.GetString(4), reader.GetString(5))).ConfigureAwait(false);

        var plan = command.Planner.ReadsPauses(fresh)
            ? command.Planner.Plan(fresh, waits, command.Now, await ReadPausesAsync().ConfigureAwait(false))
            : command.Planner.Plan(fresh, waits, command.Now);
        var created = new List<NewRun>(plan.Runs.Count);
        foreach (var run in plan.Runs)
        {
            if (run.IdempotencyKey is { } key
                && await _claimIdempotency.Bind(run.FunctionId, key, run.RunId, Pg.Ms(run.IdempotencyUntil), now).ExecuteAsync().ConfigureAwait(false) == 0)
            {
                await _insertSkip.Bind(run.EventId, run.FunctionId, $"idempotency key '{key}' was already used within 24 hours", now).ExecuteAsync().ConfigureAwait(false);
                continue;
            }

            created.Add(run);
        }

        await InsertRunsAsync(created, command.Now).ConfigureAwait(false);

        foreach (var (eventId, functionId, reason) in plan.Skips)
        {
            await _insertSkip.Bind(eventId, functionId, reason, now).ExecuteAsync().ConfigureAwait(false);
        }

        var woken = 0;
        foreach (var (wait, eventJson) in plan.ResolvedWaits)
        {
            await _deleteWait.Bind(wait.WaitId).ExecuteAsync().ConfigureAwait(false);
            woken += await ResolveStepAsync(wait.RunId, wait.StepId!, StepStatus.Completed, eventJson, null, command.Now).ConfigureAwait(false) ? 1 : 0;
        }

        var cancelled = new List<CancelledRun>();
        foreach (var (wait, reason) in plan.CancelledRuns)
        {
            if (await CancelAsync(wait.RunId, reason, command.Now).ConfigureAwait(false) is (CancelResult.Cancelled, { } functionId))
            {
                cancelled.Add(new CancelledRun(wait.RunId, functionId));
            }
        }

        if (plan.HasFlowRuns)
        {
            woken += await ApplyFlowRunsAsync(plan.FlowRuns, command.Now, created, cancelled).ConfigureAwait(false);
        }

        return new IngestResult(fresh.Select(e => e.Id).ToArray(), created, woken, cancelled);
    }

    private ValueTask InsertRunAsync(NewRun run, DateTimeOffset now) => InsertRunsAsync([run], now);

    private async ValueTask InsertRunsAsync(IReadOnlyList<NewRun> runs, DateTimeOffset now)
    {
        if (runs.Any(r => r.Flow is not null))
        {
            await InsertFlowRunsAsync(runs.Where(r => r.Flow is not null).ToArray(), now).ConfigureAwait(false);
            runs = runs.Where(r => r.Flow is null).ToArray();
        }

        if (runs.Count == 0)
        {
            return;
        }

        _madeWorkDue = true;
        await _insertRuns.Bind(
            runs.Select(r => r.RunId).ToArray(), runs.Select(r => r.FunctionId).ToArray(), runs.Select(r => r.TriggerJson).ToArray(),
            runs.Select(r => r.EventId).ToArray(), runs.Select(r => r.ParentRunId).ToArray(), runs.Select(r => r.ParentStepId).ToArray(),
            Pg.Ms(now)).ExecuteAsync().ConfigureAwait(false);
        foreach (var wait in runs.SelectMany(r => r.CancelWaits))
        {
            await InsertWaitAsync(wait).ConfigureAwait(false);
        }
    }

    private async ValueTask InsertWaitAsync(NewWait wait)
        => await _insertWait.Bind(wait.RunId, wait.StepId, wait.EventName, wait.Condition, wait.TriggerJson, Pg.Ms(wait.ExpiresAt)).ExecuteAsync().ConfigureAwait(false);

    private async ValueTask<bool> ResolveStepAsync(string runId, string stepId, StepStatus status, string? output, ErrorInfo? error, DateTimeOffset now)
    {
        if (await _resolveStep.Bind((short)status, output, StoreJson.Error(error), Pg.Ms(now), runId, stepId).ExecuteAsync().ConfigureAwait(false) == 0)
        {
            return false;
        }

        await _wakeRun.Bind(Pg.Ms(now), runId).ExecuteAsync().ConfigureAwait(false);
        _madeWorkDue = true;
        return true;
    }

    /// <summary>Reads the one row of a finish or cancel: parent run and step, and the function when the statement returns it.</summary>
    private static async ValueTask<(bool Found, string? ParentRun, string? ParentStep, string? FunctionId)> ReadParentAsync(PgCall call)
    {
        var rows = await call.QueryAsync(static reader => (Pg.Text(reader, 0), Pg.Text(reader, 1), reader.FieldCount > 2 ? Pg.Text(reader, 2) : null)).ConfigureAwait(false);
        return rows.Count == 0 ? (false, null, null, null) : (true, rows[0].Item1, rows[0].Item2, rows[0].Item3);
    }

    private static string? Progress(RunProgress? progress) => progress is null ? null : JsonSerializer.Serialize(progress, BatonJson.Options);

    private PgCommand Prepare(string sql, params NpgsqlDbType[] types)
    {
        var command = new PgCommand(_connection, _pipeline, sql, types);
        _all.Add(command);
        return command;
    }

    /// <summary>A leased run from a row of <c>id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress</c>.</summary>
    private static ClaimedRun ReadClaimed(NpgsqlDataReader reader, DateTimeOffset? dueAt) => new()
    {
        RunId = reader.GetString(0),
        FunctionId = reader.GetString(1),
        TriggerJson = reader.GetString(2),
        Token = reader.GetInt64(3),
        Attempt = reader.GetInt32(4),
        Claims = reader.GetInt32(5),
        CreatedAt = Pg.Time(reader.GetInt64(6)),
        StartedAt = Pg.Time(reader.GetInt64(7)),
        Progress = reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<RunProgress>(reader.GetString(8), BatonJson.Options),
        DueAt = dueAt,
    };
}

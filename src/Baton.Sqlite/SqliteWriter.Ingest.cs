using Baton.Storage;

namespace Baton.Sqlite;

/// <summary>Ingest-time flow control: applies the planner's <see cref="FlowRun"/>s against the per-key state rows (migration 0004).</summary>
internal sealed partial class SqliteWriter
{
    private FlowStatements? _flow;

    /// <summary>Prepared on first use, so a database whose functions declare no ingest rules never prepares them.</summary>
    private FlowStatements Flow => _flow ??= new FlowStatements(this);

    /// <summary>Applies each flow run in order; returns how many pending runs were made due now (full batches).</summary>
    private int ApplyFlowRuns(IReadOnlyList<FlowRun> flowRuns, DateTimeOffset now, List<NewRun> created, List<CancelledRun> cancelled)
    {
        var statements = Flow;
        var nowMs = Db.Ms(now);
        var madeDue = 0;
        foreach (var flow in flowRuns)
        {
            var run = flow.Run;
            if (run.IdempotencyKey is { } idempotencyKey && _claimIdempotency.Bind(run.FunctionId, idempotencyKey, run.RunId, Db.Ms(run.IdempotencyUntil), nowMs).Execute() == 0)
            {
                _insertSkip.Bind(run.EventId, run.FunctionId, $"idempotency key '{idempotencyKey}' was already used within 24 hours", nowMs).Execute();
                continue;
            }

            if (flow.RateLimit is { } rate
                && statements.Rate.Bind(run.FunctionId, rate.Key, nowMs, Ms(rate.Interval), Ms(rate.Window)).Execute() == 0)
            {
                _insertSkip.Bind(run.EventId, run.FunctionId, rate.SkipReason, nowMs).Execute();
                continue;
            }

            if (flow.Singleton is { } singleton && !PassSingleton(statements, run, singleton, now, cancelled))
            {
                continue;
            }

            if (flow.Gather is { } gather)
            {
                madeDue += Gather(statements, flow, gather, now, created);
                continue;
            }

            InsertRun(run, now);
            created.Add(run);
        }

        return madeDue;
    }

    private bool PassSingleton(FlowStatements statements, NewRun run, SingletonGate gate, DateTimeOffset now, List<CancelledRun> cancelled)
    {
        string holder;
        using (var reader = statements.LockSingleton.Bind(run.FunctionId, gate.Key, run.RunId).Read())
        {
            reader.Read();
            holder = reader.GetString(0);
        }

        if (holder == run.RunId)
        {
            return true;
        }

        var active = statements.RunStatus.Bind(holder).Scalar() is long status && status < (long)RunStatus.Completed;
        if (active && !gate.CancelActive)
        {
            _insertSkip.Bind(run.EventId, run.FunctionId, gate.Reason.Replace("{run}", holder, StringComparison.Ordinal), Db.Ms(now)).Execute();
            return false;
        }

        if (active && Cancel(holder, gate.Reason, now, out var functionId) == CancelResult.Cancelled)
        {
            cancelled.Add(new CancelledRun(holder, functionId!));
        }

        statements.SetSingleton.Bind(run.RunId, run.FunctionId, gate.Key).Execute();
        return true;
    }

    /// <returns>1 when the event filled a pending batch (now due), else 0.</returns>
    private int Gather(FlowStatements statements, FlowRun flow, GatherRule gather, DateTimeOffset now, List<NewRun> created)
    {
        var run = flow.Run;
        var nowMs = Db.Ms(now);
        string pendingId;
        long firstAt;
        int size;
        using (var reader = statements.LockPending.Bind(run.FunctionId, gather.Key, (int)gather.Kind, run.RunId, nowMs).Read())
        {
            reader.Read();
            (pendingId, firstAt, size) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2));
        }

        if (pendingId != run.RunId)
        {
            string? replacedEvent = null;
            long? dueAt = null;
            using (var reader = statements.OpenRun.Bind(pendingId).Read())
            {
                if (reader.Read())
                {
                    (replacedEvent, dueAt) = (Db.Text(reader, 0), reader.GetInt64(1));
                }
            }

            if (dueAt is { } due && gather.Kind == GatherKind.Debounce)
            {
                var newDue = Db.Ms(gather.DueAt);
                if (gather.MaxWait is { } maxWait)
                {
                    newDue = Math.Min(newDue, firstAt + Ms(maxWait));
                }

                statements.Debounce.Bind(run.TriggerJson, run.EventId, newDue, pendingId).Execute();
                statements.RetriggerCancelWaits.Bind(run.TriggerJson, pendingId).Execute();
                statements.UpdatePending.Bind(pendingId, firstAt, size + 1, run.FunctionId, gather.Key).Execute();
                if (replacedEvent is not null)
                {
                    _insertSkip.Bind(replacedEvent, run.FunctionId, gather.ReplacedReason, nowMs).Execute();
                }

                return 0;
            }

            if (dueAt is { } batchDue && gather.Kind == GatherKind.Batch && size < gather.MaxSize)
            {
                var full = size + 1 >= gather.MaxSize;
                statements.AppendToBatch.Bind(flow.EventJson, full ? nowMs : batchDue, pendingId).Execute();
                statements.LinkEvent.Bind(run.EventId, pendingId).Execute();
                statements.UpdatePending.Bind(pendingId, firstAt, size + 1, run.FunctionId, gather.Key).Execute();
                return full ? 1 : 0;
            }

            // The key's pending run was claimed (or finished, or is full): this event starts the next one.
            statements.UpdatePending.Bind(run.RunId, nowMs, 1, run.FunctionId, gather.Key).Execute();
        }

        if (run.Flow is { } claimRules)
        {
            // Under concurrency, throttle or priority too: the pending run waits in its fairness queue like any other.
            InsertFlowRun(run, claimRules, now, gather.DueAt);
        }
        else
        {
            statements.InsertPendingRun.Bind(run.RunId, run.FunctionId, run.TriggerJson, run.EventId, nowMs, Db.Ms(gather.DueAt)).Execute();
        }

        foreach (var wait in run.CancelWaits)
        {
            InsertWait(wait);
        }

        created.Add(run);
        return 0;
    }

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    /// <summary>The statements of ingest-time flow control.</summary>
    private sealed class FlowStatements(SqliteWriter writer)
    {
        /// <summary>Accepts an event (one row changed) when the key's arrival time, advanced by one interval, stays within the window.</summary>
        public PreparedCommand Rate { get; } = writer.Prepare(
            """
            INSERT INTO flow_rate (function_id, key, tat) VALUES ($function, $key, $now + $interval)
            ON CONFLICT (function_id, key) DO UPDATE SET tat = MAX(tat, $now) + $interval
            WHERE MAX(tat, $now) + $interval - $now <= $window
            """,
            "$function", "$key", "$now", "$interval", "$window");

        /// <summary>Claims the key for the new run when it has no row yet; returns the key's run either way.</summary>
        public PreparedCommand LockSingleton { get; } = writer.Prepare(
            """
            INSERT INTO flow_singleton (function_id, key, run_id) VALUES ($function, $key, $run)
            ON CONFLICT (function_id, key) DO UPDATE SET run_id = run_id
            RETURNING run_id
            """,
            "$function", "$key", "$run");

        public PreparedCommand SetSingleton { get; } = writer.Prepare(
            "UPDATE flow_singleton SET run_id = $run WHERE function_id = $function AND key = $key", "$run", "$function", "$key");

        public PreparedCommand RunStatus { get; } = writer.Prepare("SELECT status FROM runs WHERE id = $id", "$id");

        /// <summary>Makes the new run the key's pending run when the key has no row yet; returns the key's pending run either way.</summary>
        public PreparedCommand LockPending { get; } = writer.Prepare(
            """
            INSERT INTO flow_pending (function_id, key, kind, run_id, first_at, size) VALUES ($function, $key, $kind, $run, $now, 1)
            ON CONFLICT (function_id, key) DO UPDATE SET kind = excluded.kind
            RETURNING run_id, first_at, size
            """,
            "$function", "$key", "$kind", "$run", "$now");

        public PreparedCommand UpdatePending { get; } = writer.Prepare(
            "UPDATE flow_pending SET run_id = $run, first_at = $first, size = $size WHERE function_id = $function AND key = $key",
            "$run", "$first", "$size", "$function", "$key");

        /// <summary>The pending run while it can still take events: queued and never claimed.</summary>
        public PreparedCommand OpenRun { get; } = writer.Prepare(
            "SELECT event_id, due_at FROM runs WHERE id = $id AND status = 0 AND claims = 0 AND lease_owner IS NULL AND due_at IS NOT NULL", "$id");

        public PreparedCommand Debounce { get; } = writer.Prepare(
            "UPDATE runs SET trigger = $trigger, event_id = $event, due_at = $due WHERE id = $id", "$trigger", "$event", "$due", "$id");

        /// <summary>Cancel-on subscriptions match against the run's trigger event, which debounce just replaced.</summary>
        public PreparedCommand RetriggerCancelWaits { get; } = writer.Prepare(
            "UPDATE waits SET trigger = $trigger WHERE run_id = $run AND step_id IS NULL", "$trigger", "$run");

        public PreparedCommand AppendToBatch { get; } = writer.Prepare(
            "UPDATE runs SET trigger = substr(trigger, 1, length(trigger) - 1) || ',' || $event || ']', due_at = $due WHERE id = $id",
            "$event", "$due", "$id");

        /// <summary>An event appended to a batch run it did not create: listed with that run.</summary>
        public PreparedCommand LinkEvent { get; } = writer.Prepare(
            "INSERT INTO event_runs (event_id, run_id) VALUES ($event, $run) ON CONFLICT DO NOTHING", "$event", "$run");

        public PreparedCommand InsertPendingRun { get; } = writer.Prepare(
            "INSERT INTO runs (id, function_id, status, trigger, event_id, created_at, due_at) VALUES ($id, $function, 0, $trigger, $event, $now, $due)",
            "$id", "$function", "$trigger", "$event", "$now", "$due");
    }
}

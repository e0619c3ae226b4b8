using Baton.Storage;
using NpgsqlTypes;

namespace Baton.Postgres;

/// <summary>
/// Ingest-time flow control: applies the planner's <see cref="FlowRun"/>s against the per-key state rows (migration 0004).
/// Each decision starts with an upsert that locks the key's row, so two nodes ingesting the same key serialize there.
/// </summary>
internal sealed partial class PostgresWriter
{
    private FlowStatements? _flow;

    /// <summary>Prepared on first use, so a writer whose functions declare no ingest rules never creates them.</summary>
    private FlowStatements Flow => _flow ??= new FlowStatements(this, _schema);

    /// <summary>Applies each flow run in order; returns how many pending runs were made due now (full batches).</summary>
    private async ValueTask<int> ApplyFlowRunsAsync(IReadOnlyList<FlowRun> flowRuns, DateTimeOffset now, List<NewRun> created, List<CancelledRun> cancelled)
    {
        var statements = Flow;
        var nowMs = Pg.Ms(now);
        var madeDue = 0;
        foreach (var flow in flowRuns)
        {
            var run = flow.Run;
            if (run.IdempotencyKey is { } idempotencyKey
                && await _claimIdempotency.Bind(run.FunctionId, idempotencyKey, run.RunId, Pg.Ms(run.IdempotencyUntil), nowMs).ExecuteAsync().ConfigureAwait(false) == 0)
            {
                await _insertSkip.Bind(run.EventId, run.FunctionId, $"idempotency key '{idempotencyKey}' was already used within 24 hours", nowMs).ExecuteAsync().ConfigureAwait(false);
                continue;
            }

            if (flow.RateLimit is { } rate
                && await statements.Rate.Bind(run.FunctionId, rate.Key, nowMs, Ms(rate.Interval), Ms(rate.Window)).ExecuteAsync().ConfigureAwait(false) == 0)
            {
                await _insertSkip.Bind(run.EventId, run.FunctionId, rate.SkipReason, nowMs).ExecuteAsync().ConfigureAwait(false);
                continue;
            }

            if (flow.Singleton is { } singleton && !await PassSingletonAsync(statements, run, singleton, now, cancelled).ConfigureAwait(false))
            {
                continue;
            }

            if (flow.Gather is { } gather)
            {
                madeDue += await GatherAsync(statements, flow, gather, now, created).ConfigureAwait(false);
                continue;
            }

            await InsertRunAsync(run, now).ConfigureAwait(false);
            created.Add(run);
        }

        return madeDue;
    }

    private async ValueTask<bool> PassSingletonAsync(FlowStatements statements, NewRun run, SingletonGate gate, DateTimeOffset now, List<CancelledRun> cancelled)
    {
        var holder = (string)(await statements.LockSingleton.Bind(run.FunctionId, gate.Key, run.RunId).ScalarAsync().ConfigureAwait(false))!;
        if (holder == run.RunId)
        {
            return true;
        }

        var active = await statements.RunStatus.Bind(holder).ScalarAsync().ConfigureAwait(false) is short status && status < (short)RunStatus.Completed;
        if (active && !gate.CancelActive)
        {
            await _insertSkip.Bind(run.EventId, run.FunctionId, gate.Reason.Replace("{run}", holder, StringComparison.Ordinal), Pg.Ms(now)).ExecuteAsync().ConfigureAwait(false);
            return false;
        }

        if (active && await CancelAsync(holder, gate.Reason, now).ConfigureAwait(false) is (CancelResult.Cancelled, { } functionId))
        {
            cancelled.Add(new CancelledRun(holder, functionId));
        }

        await statements.SetSingleton.Bind(run.RunId, run.FunctionId, gate.Key).ExecuteAsync().ConfigureAwait(false);
        return true;
    }

    /// <returns>1 when the event filled a pending batch (now due), else 0.</returns>
    private async ValueTask<int> GatherAsync(FlowStatements statements, FlowRun flow, GatherRule gather, DateTimeOffset now, List<NewRun> created)
    {
        var run = flow.Run;
        var nowMs = Pg.Ms(now);
        string pendingId;
        long firstAt;
        int size;
        (pendingId, firstAt, size) = (await statements.LockPending.Bind(run.FunctionId, gather.Key, (short)gather.Kind, run.RunId, nowMs)
            .QueryAsync(reader => (reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2))).ConfigureAwait(false))[0];

        if (pendingId != run.RunId)
        {
            string? replacedEvent = null;
            long? dueAt = null;
            var open = await statements.OpenRun.Bind(pendingId).QueryAsync(reader => (Pg.Text(reader, 0), reader.GetInt64(1))).ConfigureAwait(false);
            if (open.Count > 0)
            {
                (replacedEvent, dueAt) = open[0];
            }

            if (dueAt is not null && gather.Kind == GatherKind.Debounce)
            {
                var newDue = Pg.Ms(gather.DueAt);
                if (gather.MaxWait is { } maxWait)
                {
                    newDue = Math.Min(newDue, firstAt + Ms(maxWait));
                }

                await statements.Debounce.Bind(run.TriggerJson, run.EventId, newDue, pendingId).ExecuteAsync().ConfigureAwait(false);
                await statements.RetriggerCancelWaits.Bind(run.TriggerJson, pendingId).ExecuteAsync().ConfigureAwait(false);
                await statements.UpdatePending.Bind(pendingId, firstAt, size + 1, run.FunctionId, gather.Key).ExecuteAsync().ConfigureAwait(false);
                if (replacedEvent is not null)
                {
                    await _insertSkip.Bind(replacedEvent, run.FunctionId, gather.ReplacedReason, nowMs).ExecuteAsync().ConfigureAwait(false);
                }

                return 0;
            }

            if (dueAt is { } batchDue && gather.Kind == GatherKind.Batch && size < gather.MaxSize)
            {
                var full = size + 1 >= gather.MaxSize;
                await statements.AppendToBatch.Bind(flow.EventJson, full ? nowMs : batchDue, pendingId).ExecuteAsync().ConfigureAwait(false);
                await statements.LinkEvent.Bind(run.EventId, pendingId).ExecuteAsync().ConfigureAwait(false);
                await statements.UpdatePending.Bind(pendingId, firstAt, size + 1, run.FunctionId, gather.Key).ExecuteAsync().ConfigureAwait(false);
                _madeWorkDue |= full;
                return full ? 1 : 0;
            }

            // The key's pending run was claimed (or finished, or is full): this event starts the next one.
            await statements.UpdatePending.Bind(run.RunId, nowMs, 1, run.FunctionId, gather.Key).ExecuteAsync().ConfigureAwait(false);
        }

        if (run.Flow is not null)
        {
            // Under concurrency, throttle or priority too: the pending run waits in its fairness queue like any other.
            await InsertFlowRunsAsync([run], now, gather.DueAt).ConfigureAwait(false);
        }
        else
        {
            await statements.InsertPendingRun.Bind(run.RunId, run.FunctionId, run.TriggerJson, run.EventId, nowMs, Pg.Ms(gather.DueAt)).ExecuteAsync().ConfigureAwait(false);
            foreach (var wait in run.CancelWaits)
            {
                await InsertWaitAsync(wait).ConfigureAwait(false);
            }
        }

        // Other nodes re-read the next due time, so a pending run falls due on time wherever it is claimed.
        _madeWorkDue = true;
        created.Add(run);
        return 0;
    }

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    /// <summary>The statements of ingest-time flow control.</summary>
    private sealed class FlowStatements(PostgresWriter writer, string s)
    {
        /// <summary>Accepts an event (one row changed) when the key's arrival time, advanced by one interval, stays within the window.</summary>
        public PgCommand Rate { get; } = writer.Prepare(
            $"""
            INSERT INTO {s}.flow_rate AS f (function_id, key, tat) VALUES ($1, $2, $3 + $4)
            ON CONFLICT (function_id, key) DO UPDATE SET tat = GREATEST(f.tat, $3) + $4
            WHERE GREATEST(f.tat, $3) + $4 - $3 <= $5
            """,
            Text, Text, Big, Big, Big);

        /// <summary>Locks the key's row (claiming it for the new run when there is none) and returns the key's run.</summary>
        public PgCommand LockSingleton { get; } = writer.Prepare(
            $"""
            INSERT INTO {s}.flow_singleton AS f (function_id, key, run_id) VALUES ($1, $2, $3)
            ON CONFLICT (function_id, key) DO UPDATE SET run_id = f.run_id
            RETURNING run_id
            """,
            Text, Text, Text);

        public PgCommand SetSingleton { get; } = writer.Prepare(
            $"UPDATE {s}.flow_singleton SET run_id = $1 WHERE function_id = $2 AND key = $3", Text, Text, Text);

        public PgCommand RunStatus { get; } = writer.Prepare($"SELECT status FROM {s}.runs WHERE id = $1", Text);

        /// <summary>Locks the key's row (making the new run the pending one when there is none) and returns the key's pending run.</summary>
        public PgCommand LockPending { get; } = writer.Prepare(
            $"""
            INSERT INTO {s}.flow_pending AS f (function_id, key, kind, run_id, first_at, size) VALUES ($1, $2, $3, $4, $5, 1)
            ON CONFLICT (function_id, key) DO UPDATE SET kind = excluded.kind
            RETURNING run_id, first_at, size
            """,
            Text, Text, Small, Text, Big);

        public PgCommand UpdatePending { get; } = writer.Prepare(
            $"UPDATE {s}.flow_pending SET run_id = $1, first_at = $2, size = $3 WHERE function_id = $4 AND key = $5", Text, Big, Int, Text, Text);

        /// <summary>
        /// The pending run while it can still take events: queued and never claimed. Locked, so a claim racing with
        /// this ingest either took it first (and it is no longer open) or skips it until this transaction commits.
        /// </summary>
        public PgCommand OpenRun { get; } = writer.Prepare(
            $"SELECT event_id, due_at FROM {s}.runs WHERE id = $1 AND status = 0 AND claims = 0 AND lease_owner IS NULL AND due_at IS NOT NULL FOR UPDATE", Text);

        public PgCommand Debounce { get; } = writer.Prepare(
            $"UPDATE {s}.runs SET trigger = $1, event_id = $2, due_at = $3 WHERE id = $4", Text, Text, Big, Text);

        /// <summary>Cancel-on subscriptions match against the run's trigger event, which debounce just replaced.</summary>
        public PgCommand RetriggerCancelWaits { get; } = writer.Prepare(
            $"UPDATE {s}.waits SET trigger = $1 WHERE run_id = $2 AND step_id IS NULL", Text, Text);

        public PgCommand AppendToBatch { get; } = writer.Prepare(
            $"UPDATE {s}.runs SET trigger = left(trigger, -1) || ',' || $1 || ']', due_at = $2 WHERE id = $3", Text, Big, Text);

        /// <summary>An event appended to a batch run it did not create: listed with that run.</summary>
        public PgCommand LinkEvent { get; } = writer.Prepare(
            $"INSERT INTO {s}.event_runs (event_id, run_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", Text, Text);

        public PgCommand InsertPendingRun { get; } = writer.Prepare(
            $"INSERT INTO {s}.runs (id, function_id, status, trigger, event_id, created_at, due_at) VALUES ($1, $2, 0, $3, $4, $5, $6)",
            Text, Text, Text, Text, Big, Big);
    }
}

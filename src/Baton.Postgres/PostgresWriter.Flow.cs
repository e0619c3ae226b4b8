using System.Text.Json;
using Baton.Flow;
using Baton.Internal;
using Baton.Storage;
using NpgsqlTypes;

namespace Baton.Postgres;

/// <summary>
/// Claim-time flow control on PostgreSQL. Claims on several nodes run at once, so each key is serialized with a
/// transaction-scoped advisory lock taken without waiting (a key another node is claiming is left for the next
/// claim), and slots are counted after the lock is held, so two claimers never both take a key's last slot.
/// </summary>
internal sealed partial class PostgresWriter : IFlowClaimOps
{
    // A lone array argument is passed as `(object)array`: Bind takes `params object?[]`, which would otherwise take the
    // array itself as the argument list.
    private PgCommand _flowInsertRuns = null!;
    private PgCommand _flowInsertQueues = null!;
    private PgCommand _flowHeld = null!;
    private PgCommand _flowThrottles = null!;
    private PgCommand _flowNextDue = null!;
    private PgCommand _flowQueuesAndCandidates = null!;
    private PgCommand _flowLeaseAndSave = null!;

    async ValueTask<(IReadOnlyList<string> Queues, IReadOnlyList<FlowCandidate> Candidates, IReadOnlySet<string>? Locked)> IFlowClaimOps.ReadQueuesAndCandidatesAsync(int count, int budget, DateTimeOffset now)
    {
        // One round trip: the queues in rotation order, each with its first runs (none: a row with the queue only), and
        // the advisory locks of their keys (the slots are counted by the next statement, whose snapshot is taken after
        // the locks are held).
        var nowMs = Pg.Ms(now);
        var queues = new List<string>(count);
        var candidates = new List<FlowCandidate>();
        var locks = new Dictionary<string, bool>(StringComparer.Ordinal);
        await _flowQueuesAndCandidates.Bind(count, budget, nowMs + (CompiledFlow.MaxPrioritySeconds * 1000L), nowMs, FlowClaimer.ThrottleLockName("")).QueryAsync(reader =>
        {
            var queue = reader.GetString(0);
            if (queues.Count == 0 || !string.Equals(queues[^1], queue, StringComparison.Ordinal))
            {
                queues.Add(queue);
            }

            if (!reader.IsDBNull(1))
            {
                var candidate = new FlowCandidate(
                    reader.GetString(1), queue, reader.GetInt64(2), reader.GetInt32(3),
                    Pg.Text(reader, 4), reader.IsDBNull(5) ? 0 : (int)reader.GetInt64(5),
                    Pg.Text(reader, 6), reader.IsDBNull(7) ? 0 : (int)reader.GetInt64(7),
                    Pg.Text(reader, 8), reader.IsDBNull(9) ? 0 : reader.GetInt64(9), reader.IsDBNull(10) ? 0 : (int)reader.GetInt64(10));
                candidates.Add(candidate);
                NoteLock(candidate.Key1, reader, 11);
                NoteLock(candidate.Key2, reader, 12);
                NoteLock(candidate.ThrottleKey is { } t && candidate.Claims == 0 ? FlowClaimer.ThrottleLockName(t) : null, reader, 13);
            }

            return 0;
        }).ConfigureAwait(false);

        return (queues, candidates, locks.Where(l => l.Value).Select(l => l.Key).ToHashSet(StringComparer.Ordinal));

        // A lock tried once per candidate row: taken once any try took it (a lock this transaction holds stays held).
        void NoteLock(string? name, Npgsql.NpgsqlDataReader reader, int ordinal)
        {
            if (name is not null && !reader.IsDBNull(ordinal))
            {
                locks[name] = locks.GetValueOrDefault(name) | reader.GetBoolean(ordinal);
            }
        }
    }

    async ValueTask<(IReadOnlyList<ClaimedRun> Claimed, DateTimeOffset? NextDue)> IFlowClaimOps.LeaseAndSaveAsync(
        IReadOnlyList<FlowCandidate> runs, ClaimCommand command, IReadOnlyDictionary<string, (long Tat, long AllowedAt)> throttles, string cursor, IReadOnlyList<string> maybeEmpty)
    {
        var dueAt = runs.ToDictionary(r => r.RunId, r => r.DueMs, StringComparer.Ordinal);
        var claimed = new List<ClaimedRun>(runs.Count);
        DateTimeOffset? next = null;
        await _flowLeaseAndSave.Bind(
            command.Owner, Pg.Ms(command.LeaseUntil), Pg.Ms(command.Now), runs.Select(r => r.RunId).ToArray(),
            throttles.Keys.ToArray(), throttles.Values.Select(v => v.Tat).ToArray(), throttles.Values.Select(v => v.AllowedAt).ToArray(),
            cursor, maybeEmpty.ToArray()).QueryAsync(reader =>
        {
            if (reader.IsDBNull(0))
            {
                next = reader.IsDBNull(9) ? null : Pg.Time(reader.GetInt64(9));
            }
            else
            {
                claimed.Add(ReadClaimed(reader, Pg.Time(dueAt[reader.GetString(0)])));
            }

            return 0;
        }).ConfigureAwait(false);

        // The statement read the next due time from its snapshot, before the lease: the runs it leased are due again
        // when their lease expires.
        if (claimed.Count > 0 && (next is null || command.LeaseUntil < next))
        {
            next = command.LeaseUntil;
        }

        // Keep the claim order (the writer's RETURNING order is the table's).
        var order = runs.Select((r, i) => (r.RunId, i)).ToDictionary(p => p.RunId, p => p.i, StringComparer.Ordinal);
        claimed.Sort((a, b) => order[a.RunId].CompareTo(order[b.RunId]));
        return (claimed, next);
    }

    async ValueTask<IReadOnlyDictionary<string, int>> IFlowClaimOps.CountHeldAsync(IReadOnlyCollection<string> keys, DateTimeOffset now)
    {
        var held = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
        await _flowHeld.Bind(keys.ToArray(), Pg.Ms(now)).QueryAsync(reader =>
        {
            held[reader.GetString(0)] = (int)reader.GetInt64(1);
            return 0;
        }).ConfigureAwait(false);

        return held;
    }

    async ValueTask<IReadOnlyDictionary<string, long>> IFlowClaimOps.ReadThrottlesAsync(IReadOnlyCollection<string> keys)
    {
        var state = new Dictionary<string, long>(keys.Count, StringComparer.Ordinal);
        await _flowThrottles.Bind((object)keys.ToArray()).QueryAsync(reader =>
        {
            state[reader.GetString(0)] = reader.GetInt64(1);
            return 0;
        }).ConfigureAwait(false);

        return state;
    }

    async ValueTask<DateTimeOffset?> IFlowClaimOps.NextDueAsync(DateTimeOffset now)
        => await _flowNextDue.Bind(Pg.Ms(now)).ScalarAsync().ConfigureAwait(false) is long ms ? Pg.Time(ms) : null;

    /// <summary>Plain runs up to half the batch, then flow-controlled runs, then plain runs again if flow runs left room.</summary>
    private async ValueTask<ClaimResult> ClaimWithFlowAsync(ClaimCommand command, CancellationToken cancellationToken)
    {
        var plainShare = command.Limit / 2;
        var plain = await ClaimPlainAsync(command with { Limit = plainShare }, cancellationToken).ConfigureAwait(false);
        var flow = await FlowClaimer.ClaimAsync(this, command, command.Limit - plain.Runs.Count).ConfigureAwait(false);
        var runs = new List<ClaimedRun>(plain.Runs.Count + flow.Runs.Count);
        runs.AddRange(plain.Runs);
        runs.AddRange(flow.Runs);
        var next = Earliest(plain.NextDueAt, flow.NextDueAt);
        if (plain.Runs.Count == plainShare && runs.Count < command.Limit)
        {
            var more = await ClaimPlainAsync(command with { Limit = command.Limit - runs.Count }, cancellationToken).ConfigureAwait(false);
            runs.AddRange(more.Runs);
            next = Earliest(more.NextDueAt, flow.NextDueAt);
        }

        return new ClaimResult(runs, next);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>Inserts runs into their fairness queues, due at <paramref name="dueAt"/> (default: now; later for a pending debounce or batch run).</summary>
    private async ValueTask InsertFlowRunsAsync(IReadOnlyList<NewRun> runs, DateTimeOffset now, DateTimeOffset? dueAt = null)
    {
        _madeWorkDue = true;
        var flows = runs.Select(r => r.Flow!).ToArray();
        await _flowInsertRuns.Bind(
            runs.Select(r => r.RunId).ToArray(), runs.Select(r => r.FunctionId).ToArray(), runs.Select(r => r.TriggerJson).ToArray(),
            runs.Select(r => r.EventId).ToArray(), runs.Select(r => r.ParentRunId).ToArray(), runs.Select(r => r.ParentStepId).ToArray(),
            flows.Select(f => StoreJson.Error(f.Error)).ToArray(), flows.Select(f => f.Queue).ToArray(), flows.Select(f => f.PriorityMs).ToArray(),
            flows.Select(f => f.Key1).ToArray(), flows.Select(f => f.Key1 is null ? (long?)null : f.Limit1).ToArray(),
            flows.Select(f => f.Key2).ToArray(), flows.Select(f => f.Key2 is null ? (long?)null : f.Limit2).ToArray(),
            flows.Select(f => f.ThrottleKey).ToArray(), flows.Select(f => f.ThrottleKey is null ? (long?)null : f.ThrottleIntervalMs).ToArray(),
            flows.Select(f => f.ThrottleKey is null ? (long?)null : f.ThrottleBurst).ToArray(),
            Pg.Ms(now), Pg.Ms(dueAt ?? now)).ExecuteAsync().ConfigureAwait(false);

        // The shared lock keeps a claim from removing the queue between this insert and its commit (the claim only
        // removes a queue whose exclusive lock it gets without waiting).
        await _flowInsertQueues.Bind((object)flows.Select(f => f.Queue).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()).ExecuteAsync().ConfigureAwait(false);
        foreach (var wait in runs.SelectMany(r => r.CancelWaits))
        {
            await InsertWaitAsync(wait).ConfigureAwait(false);
        }
    }

    private void PrepareFlow(string s)
    {
        const NpgsqlDbType texts = NpgsqlDbType.Array | NpgsqlDbType.Text;
        const NpgsqlDbType bigs = NpgsqlDbType.Array | NpgsqlDbType.Bigint;
        const string lease = "status = 1, lease_owner = $1, lease_token = lease_token + 1, due_at = $2, claims = claims + 1, wake_pending = false, started_at = COALESCE(started_at, $3)";
        _flowInsertRuns = Prepare(
            $"""
            INSERT INTO {s}.runs (id, function_id, status, trigger, event_id, created_at, due_at, parent_run_id, parent_step_id, error,
                flow_queue, flow_priority, flow_key1, flow_limit1, flow_key2, flow_limit2, throttle_key, throttle_interval, throttle_burst)
            SELECT id, function_id, 0, trigger, event_id, $17, $18, parent_run_id, parent_step_id, error,
                queue, priority, key1, limit1, key2, limit2, throttle, interval, burst
            FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                AS r (id, function_id, trigger, event_id, parent_run_id, parent_step_id, error, queue, priority, key1, limit1, key2, limit2, throttle, interval, burst)
            """,
            texts, texts, texts, texts, texts, texts, texts, texts, bigs, texts, bigs, texts, bigs, texts, bigs, bigs, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint);
        _flowInsertQueues = Prepare(
            $"""
            WITH locked AS MATERIALIZED (SELECT q, pg_advisory_xact_lock_shared(hashtextextended('q' || q, 0)) FROM unnest($1) AS q)
            INSERT INTO {s}.flow_queues (queue) SELECT q FROM locked ON CONFLICT (queue) DO NOTHING
            """,
            texts);
        // The rotation: the queues after the cursor, then from the start, each part a range of the primary key.
        var rotation = $"""
            SELECT queue, row_number() OVER (ORDER BY lap, queue) AS ord FROM (
                (SELECT queue, 0 AS lap FROM {s}.flow_queues WHERE queue > (SELECT queue FROM {s}.flow_cursor) ORDER BY queue LIMIT $1)
                UNION ALL
                (SELECT queue, 1 AS lap FROM {s}.flow_queues WHERE queue <= (SELECT queue FROM {s}.flow_cursor) ORDER BY queue LIMIT $1)) x
            ORDER BY lap, queue LIMIT $1
            """;
        _flowHeld = Prepare(
            $"""
            SELECT k, (SELECT COUNT(*) FROM {s}.runs WHERE flow_key1 = k AND lease_owner IS NOT NULL AND due_at > $2)
                    + (SELECT COUNT(*) FROM {s}.runs WHERE flow_key2 = k AND lease_owner IS NOT NULL AND due_at > $2)
            FROM unnest($1::text[]) AS k
            """,
            texts, NpgsqlDbType.Bigint);
        _flowThrottles = Prepare($"SELECT key, tat FROM {s}.flow_throttles WHERE key = ANY($1)", texts);
        _flowNextDue = Prepare($"SELECT MIN(due_at) FROM {s}.runs WHERE flow_queue IS NOT NULL AND due_at > $1", NpgsqlDbType.Bigint);

        // The statements a claim always makes, each in one round trip: the queues with their first runs and their keys'
        // locks (row_number keeps the rotation order), and the lease with the write-back and the next due time. In the
        // write-back, the due time is read from the statement's snapshot, before the lease (the caller adds the lease's
        // expiry).
        _flowQueuesAndCandidates = Prepare(
            $"""
            WITH q AS MATERIALIZED ({rotation}),
            n AS (SELECT GREATEST(1, ($2 + COUNT(*) - 1) / GREATEST(COUNT(*), 1))::int AS share FROM q)
            SELECT q.queue, r.id, r.due_at, r.claims, r.flow_key1, r.flow_limit1, r.flow_key2, r.flow_limit2, r.throttle_key, r.throttle_interval, r.throttle_burst,
                CASE WHEN r.flow_key1 IS NOT NULL THEN pg_try_advisory_xact_lock(hashtextextended(r.flow_key1, 0)) END,
                CASE WHEN r.flow_key2 IS NOT NULL THEN pg_try_advisory_xact_lock(hashtextextended(r.flow_key2, 0)) END,
                CASE WHEN r.claims = 0 AND r.throttle_key IS NOT NULL THEN pg_try_advisory_xact_lock(hashtextextended($5 || r.throttle_key, 0)) END
            FROM q LEFT JOIN LATERAL (
                SELECT id, due_at, flow_priority, claims, flow_key1, flow_limit1, flow_key2, flow_limit2, throttle_key, throttle_interval, throttle_burst
                FROM {s}.runs
                WHERE flow_queue = q.queue AND finished_at IS NULL AND due_at - flow_priority <= $3 AND due_at <= $4
                ORDER BY due_at - flow_priority, id
                LIMIT (SELECT share FROM n)
                FOR UPDATE SKIP LOCKED) r ON true
            ORDER BY q.ord, r.due_at - r.flow_priority, r.id
            """,
            NpgsqlDbType.Integer, NpgsqlDbType.Integer, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text);
        // The write-back: throttle states ($5-$7), the rotation cursor ($8; a cursor another claimer is moving is left to
        // it rather than waited for, so two claims never wait on each other here), and the queues that may be empty ($9).
        _flowLeaseAndSave = Prepare(
            $"""
            WITH leased AS (
                UPDATE {s}.runs SET {lease} WHERE id = ANY($4)
                RETURNING id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress),
            throttled AS (
                INSERT INTO {s}.flow_throttles (key, tat, allowed_at) SELECT * FROM unnest($5::text[], $6::bigint[], $7::bigint[])
                ON CONFLICT (key) DO UPDATE SET tat = excluded.tat, allowed_at = excluded.allowed_at),
            moved AS (UPDATE {s}.flow_cursor SET queue = $8 WHERE id IN (SELECT id FROM {s}.flow_cursor FOR UPDATE SKIP LOCKED)),
            dropped AS (
                DELETE FROM {s}.flow_queues f
                WHERE f.queue IN (SELECT queue FROM {s}.flow_queues WHERE queue = ANY($9) FOR UPDATE SKIP LOCKED)
                    AND NOT EXISTS (SELECT 1 FROM {s}.runs r WHERE r.flow_queue = f.queue AND r.finished_at IS NULL)
                    AND pg_try_advisory_xact_lock(hashtextextended('q' || f.queue, 0)))
            SELECT id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress, NULL::bigint FROM leased
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, (SELECT MIN(due_at) FROM {s}.runs WHERE flow_queue IS NOT NULL AND due_at > $3)
            """,
            NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, texts, texts, bigs, bigs, NpgsqlDbType.Text, texts);
    }
}

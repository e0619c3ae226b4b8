using System.Text.Json;
using Baton.Flow;
using Baton.Storage;

namespace Baton.Sqlite;

/// <summary>Claim-time flow control on SQLite: the single writer serializes every claim, so no key needs a lock.</summary>
internal sealed partial class SqliteWriter : IFlowClaimOps
{
    private const string Lease = "status = 1, lease_owner = $owner, lease_token = lease_token + 1, due_at = $until, claims = claims + 1, wake_pending = 0, started_at = COALESCE(started_at, $now)";

    private PreparedCommand? _flowInsertRun;
    private PreparedCommand? _flowInsertQueue;
    private PreparedCommand? _flowQueues;
    private PreparedCommand? _flowQueuesWrapped;
    private PreparedCommand? _flowCandidates;
    private PreparedCommand? _flowHeld;
    private PreparedCommand? _flowThrottle;
    private PreparedCommand? _flowSaveThrottle;
    private PreparedCommand? _flowLease;
    private PreparedCommand? _flowCursor;
    private PreparedCommand? _flowDropQueue;
    private PreparedCommand? _flowNextDue;

    // The rowid of each candidate the last candidate read returned, so the lease finds its rows without the id index.
    private readonly Dictionary<string, long> _flowRowids = new(StringComparer.Ordinal);

    private List<string> ReadQueues(int count)
    {
        // The queues after the cursor, then (the rotation wrapping around) from the start: each a range of the primary key.
        var queues = new List<string>(count);
        Read(Lazy(ref _flowQueues, "SELECT queue FROM flow_queues WHERE queue > (SELECT queue FROM flow_cursor) ORDER BY queue LIMIT $n", "$n"), count, queues);
        if (queues.Count < count)
        {
            Read(Lazy(ref _flowQueuesWrapped, "SELECT queue FROM flow_queues WHERE queue <= (SELECT queue FROM flow_cursor) ORDER BY queue LIMIT $n", "$n"), count - queues.Count, queues);
        }

        return queues;

        static void Read(PreparedCommand command, int limit, List<string> queues)
        {
            using var reader = command.Bind(limit).Read();
            while (reader.Read())
            {
                queues.Add(reader.GetString(0));
            }
        }
    }

    private List<FlowCandidate> ReadCandidates(IReadOnlyList<string> queues, int perQueue, DateTimeOffset now)
    {
        // One statement for all queues (a claim looks at up to 256): each queue's first queued runs come from its own
        // range of runs_flow, where the rank bound lets the range stop at runs that could not be due yet whatever their
        // priority, and its runs whose lease has expired from its range of runs_flow_leased. Runs of a queue due at the
        // same time are taken in insertion order (rowid), which runs_flow's entries end with.
        var command = Lazy(
            ref _flowCandidates,
            """
            SELECT r.id, q.value, r.due_at, r.claims, r.flow_key1, r.flow_limit1, r.flow_key2, r.flow_limit2, r.throttle_key, r.throttle_interval, r.throttle_burst, r.rowid
            FROM json_each($queues) q, runs r
            WHERE r.rowid IN (
                    SELECT rowid FROM runs
                    WHERE flow_queue = q.value AND finished_at IS NULL AND lease_owner IS NULL AND due_at - flow_priority <= $bound AND due_at <= $now
                    ORDER BY due_at - flow_priority, rowid LIMIT $n)
                OR r.rowid IN (
                    SELECT rowid FROM runs
                    WHERE flow_queue = q.value AND finished_at IS NULL AND lease_owner IS NOT NULL AND due_at <= $now
                    ORDER BY due_at LIMIT $n)
            ORDER BY q.key, r.due_at - r.flow_priority, r.rowid
            """,
            "$queues", "$bound", "$now", "$n");
        var nowMs = Db.Ms(now);
        var bound = nowMs + (CompiledFlow.MaxPrioritySeconds * 1000L);
        var candidates = new List<FlowCandidate>();
        _flowRowids.Clear();
        using (var reader = command.Bind(JsonArray(queues), bound, nowMs, perQueue).Read())
        {
            while (reader.Read())
            {
                _flowRowids[reader.GetString(0)] = reader.GetInt64(11);
                candidates.Add(new FlowCandidate(
                    reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3),
                    Db.Text(reader, 4), reader.IsDBNull(5) ? 0 : reader.GetInt32(5),
                    Db.Text(reader, 6), reader.IsDBNull(7) ? 0 : reader.GetInt32(7),
                    Db.Text(reader, 8), reader.IsDBNull(9) ? 0 : reader.GetInt64(9), reader.IsDBNull(10) ? 0 : reader.GetInt32(10)));
            }
        }

        return candidates;
    }

    ValueTask<(IReadOnlyList<string> Queues, IReadOnlyList<FlowCandidate> Candidates, IReadOnlySet<string>? Locked)> IFlowClaimOps.ReadQueuesAndCandidatesAsync(int count, int budget, DateTimeOffset now)
    {
        // The single writer serializes every claim: no key needs a lock (null: all are this claim's).
        var queues = ReadQueues(count);
        IReadOnlyList<FlowCandidate> candidates = queues.Count == 0 ? [] : ReadCandidates(queues, IFlowClaimOps.FairShare(budget, queues.Count), now);
        return ValueTask.FromResult<(IReadOnlyList<string>, IReadOnlyList<FlowCandidate>, IReadOnlySet<string>?)>((queues, candidates, null));
    }

    ValueTask<(IReadOnlyList<ClaimedRun> Claimed, DateTimeOffset? NextDue)> IFlowClaimOps.LeaseAndSaveAsync(
        IReadOnlyList<FlowCandidate> runs, ClaimCommand command, IReadOnlyDictionary<string, (long Tat, long AllowedAt)> throttles, string cursor, IReadOnlyList<string> maybeEmpty)
    {
        // The next due time is read after the lease, so it counts the leased runs' expiry.
        IReadOnlyList<ClaimedRun> claimed = runs.Count == 0 ? [] : LeaseRuns(runs, command);
        Save(throttles, cursor, maybeEmpty);
        return ValueTask.FromResult((claimed, NextDue(command.Now)));
    }

    ValueTask<IReadOnlyDictionary<string, int>> IFlowClaimOps.CountHeldAsync(IReadOnlyCollection<string> keys, DateTimeOffset now)
    {
        var command = Lazy(
            ref _flowHeld,
            """
            SELECT k.value,
                   (SELECT COUNT(*) FROM runs WHERE flow_key1 = k.value AND lease_owner IS NOT NULL AND due_at > $now)
                 + (SELECT COUNT(*) FROM runs WHERE flow_key2 = k.value AND lease_owner IS NOT NULL AND due_at > $now)
            FROM json_each($keys) k
            """,
            "$keys", "$now");
        var held = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
        using (var reader = command.Bind(JsonArray(keys), Db.Ms(now)).Read())
        {
            while (reader.Read())
            {
                held[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, int>>(held);
    }

    ValueTask<IReadOnlyDictionary<string, long>> IFlowClaimOps.ReadThrottlesAsync(IReadOnlyCollection<string> keys)
    {
        var command = Lazy(ref _flowThrottle, "SELECT key, tat FROM flow_throttles WHERE key IN (SELECT value FROM json_each($keys))", "$keys");
        var state = new Dictionary<string, long>(keys.Count, StringComparer.Ordinal);
        using (var reader = command.Bind(JsonArray(keys)).Read())
        {
            while (reader.Read())
            {
                state[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(state);
    }

    private List<ClaimedRun> LeaseRuns(IReadOnlyList<FlowCandidate> runs, ClaimCommand command)
    {
        var lease = Lazy(
            ref _flowLease,
            $"UPDATE runs SET {Lease} WHERE rowid IN (SELECT value FROM json_each($rowids)) RETURNING id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress",
            "$owner", "$until", "$now", "$rowids");
        var order = new Dictionary<string, int>(runs.Count, StringComparer.Ordinal);
        for (var i = 0; i < runs.Count; i++)
        {
            order[runs[i].RunId] = i;
        }

        // The runs are candidates of this claim's read, in the same transaction: their rows are found by rowid.
        var claimed = new List<ClaimedRun>(runs.Count);
        using (var reader = lease.Bind(command.Owner, Db.Ms(command.LeaseUntil), Db.Ms(command.Now), JsonSerializer.Serialize(runs.Select(r => _flowRowids[r.RunId]))).Read())
        {
            while (reader.Read())
            {
                claimed.Add(ReadClaimed(reader, Db.Time(runs[order[reader.GetString(0)]].DueMs)));
            }
        }

        // Keep the claim order (RETURNING gives the rows in the table's order).
        claimed.Sort((a, b) => order[a.RunId].CompareTo(order[b.RunId]));
        return claimed;
    }

    private void Save(IReadOnlyDictionary<string, (long Tat, long AllowedAt)> throttles, string cursor, IReadOnlyList<string> maybeEmpty)
    {
        var save = Lazy(ref _flowSaveThrottle, "INSERT INTO flow_throttles (key, tat, allowed_at) VALUES ($key, $tat, $allowed) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat, allowed_at = excluded.allowed_at",
            "$key", "$tat", "$allowed");
        foreach (var (key, (tat, allowed)) in throttles)
        {
            save.Bind(key, tat, allowed).Execute();
        }

        Lazy(ref _flowCursor, "UPDATE flow_cursor SET queue = $queue", "$queue").Bind(cursor).Execute();

        if (maybeEmpty.Count > 0)
        {
            Lazy(
                ref _flowDropQueue,
                """
                DELETE FROM flow_queues
                WHERE queue IN (SELECT value FROM json_each($queues))
                    AND NOT EXISTS (SELECT 1 FROM runs WHERE flow_queue = flow_queues.queue AND finished_at IS NULL AND lease_owner IS NULL)
                    AND NOT EXISTS (SELECT 1 FROM runs WHERE flow_queue = flow_queues.queue AND finished_at IS NULL AND lease_owner IS NOT NULL)
                """,
                "$queues").Bind(JsonArray(maybeEmpty)).Execute();
        }
    }

    ValueTask<DateTimeOffset?> IFlowClaimOps.NextDueAsync(DateTimeOffset now) => ValueTask.FromResult(NextDue(now));

    private DateTimeOffset? NextDue(DateTimeOffset now)
        => Lazy(ref _flowNextDue, "SELECT MIN(due_at) FROM runs WHERE flow_queue IS NOT NULL AND due_at > $now", "$now").Bind(Db.Ms(now)).Scalar() is long ms ? Db.Time(ms) : null;

    /// <summary>Flow-controlled runs first up to half the batch, then plain runs, then flow runs again if plain runs left room.</summary>
    private async ValueTask<ClaimResult> ClaimWithFlowAsync(ClaimCommand command)
    {
        var plainShare = command.Limit / 2;
        var plain = ClaimPlain(command with { Limit = plainShare });
        var flow = await FlowClaimer.ClaimAsync(this, command, command.Limit - plain.Runs.Count).ConfigureAwait(false);
        var runs = new List<ClaimedRun>(plain.Runs.Count + flow.Runs.Count);
        runs.AddRange(plain.Runs);
        runs.AddRange(flow.Runs);
        var next = Earliest(plain.NextDueAt, flow.NextDueAt);
        if (plain.Runs.Count == plainShare && runs.Count < command.Limit)
        {
            var more = ClaimPlain(command with { Limit = command.Limit - runs.Count });
            runs.AddRange(more.Runs);
            next = Earliest(more.NextDueAt, flow.NextDueAt);
        }

        return new ClaimResult(runs, next);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>Inserts a run into its fairness queue, due at <paramref name="dueAt"/> (default: now; later for a pending debounce or batch run).</summary>
    private void InsertFlowRun(NewRun run, RunFlow flow, DateTimeOffset now, DateTimeOffset? dueAt = null)
    {
        Lazy(
            ref _flowInsertRun,
            """
            INSERT INTO runs (id, function_id, status, trigger, event_id, created_at, due_at, parent_run_id, parent_step_id, error,
                flow_queue, flow_priority, flow_key1, flow_limit1, flow_key2, flow_limit2, throttle_key, throttle_interval, throttle_burst)
            VALUES ($id, $function, 0, $trigger, $event, $now, $due, $parent, $parentStep, $error,
                $queue, $priority, $key1, $limit1, $key2, $limit2, $throttle, $interval, $burst)
            """,
            "$id", "$function", "$trigger", "$event", "$now", "$due", "$parent", "$parentStep", "$error",
            "$queue", "$priority", "$key1", "$limit1", "$key2", "$limit2", "$throttle", "$interval", "$burst")
            .Bind(
                run.RunId, run.FunctionId, run.TriggerJson, run.EventId, Db.Ms(now), Db.Ms(dueAt ?? now), run.ParentRunId, run.ParentStepId, StoreJson.Error(flow.Error),
                flow.Queue, flow.PriorityMs, flow.Key1, flow.Key1 is null ? null : flow.Limit1, flow.Key2, flow.Key2 is null ? null : flow.Limit2,
                flow.ThrottleKey, flow.ThrottleKey is null ? null : flow.ThrottleIntervalMs, flow.ThrottleKey is null ? null : flow.ThrottleBurst)
            .Execute();
        Lazy(ref _flowInsertQueue, "INSERT INTO flow_queues (queue) VALUES ($queue) ON CONFLICT (queue) DO NOTHING", "$queue").Bind(flow.Queue).Execute();
    }

    private PreparedCommand Lazy(ref PreparedCommand? command, string sql, params string[] parameters) => command ??= Prepare(sql, parameters);

    /// <summary>A list of names as a JSON array, for <c>json_each</c>: one statement for the whole list.</summary>
    private static string JsonArray(IEnumerable<string> values) => JsonSerializer.Serialize(values as string[] ?? [.. values]);
}

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
    private PreparedCommand? _flowCandidates;
    private PreparedCommand? _flowHeld;
    private PreparedCommand? _flowThrottle;
    private PreparedCommand? _flowSaveThrottle;
    private PreparedCommand? _flowLease;
    private PreparedCommand? _flowMaxServed;
    private PreparedCommand? _flowServe;
    private PreparedCommand? _flowDropQueue;
    private PreparedCommand? _flowNextDue;

    ValueTask<IReadOnlyList<string>> IFlowClaimOps.ReadQueuesAsync(int count)
    {
        var queues = new List<string>(count);
        using (var reader = Lazy(ref _flowQueues, "SELECT queue FROM flow_queues ORDER BY served LIMIT $n", "$n").Bind(count).Read())
        {
            while (reader.Read())
            {
                queues.Add(reader.GetString(0));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(queues);
    }

    ValueTask<IReadOnlyList<FlowCandidate>> IFlowClaimOps.ReadCandidatesAsync(IReadOnlyList<string> queues, int perQueue, DateTimeOffset now)
    {
        // The rank bound lets the index range stop at runs that could not be due yet whatever their priority.
        var command = Lazy(
            ref _flowCandidates,
            """
            SELECT id, due_at, claims, flow_key1, flow_limit1, flow_key2, flow_limit2, throttle_key, throttle_interval, throttle_burst
            FROM runs
            WHERE flow_queue = $queue AND finished_at IS NULL AND due_at - flow_priority <= $bound AND due_at <= $now
            ORDER BY due_at - flow_priority, id LIMIT $n
            """,
            "$queue", "$bound", "$now", "$n");
        var nowMs = Db.Ms(now);
        var bound = nowMs + (CompiledFlow.MaxPrioritySeconds * 1000L);
        var candidates = new List<FlowCandidate>();
        foreach (var queue in queues)
        {
            using var reader = command.Bind(queue, bound, nowMs, perQueue).Read();
            while (reader.Read())
            {
                candidates.Add(new FlowCandidate(
                    reader.GetString(0), queue, reader.GetInt64(1), reader.GetInt32(2),
                    Db.Text(reader, 3), reader.IsDBNull(4) ? 0 : reader.GetInt32(4),
                    Db.Text(reader, 5), reader.IsDBNull(6) ? 0 : reader.GetInt32(6),
                    Db.Text(reader, 7), reader.IsDBNull(8) ? 0 : reader.GetInt64(8), reader.IsDBNull(9) ? 0 : reader.GetInt32(9)));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<FlowCandidate>>(candidates);
    }

    ValueTask<IReadOnlySet<string>> IFlowClaimOps.LockKeysAsync(IReadOnlyCollection<string> keys)
        => ValueTask.FromResult<IReadOnlySet<string>>(keys.ToHashSet(StringComparer.Ordinal));

    ValueTask<IReadOnlyDictionary<string, int>> IFlowClaimOps.CountHeldAsync(IReadOnlyCollection<string> keys, DateTimeOffset now)
    {
        var command = Lazy(
            ref _flowHeld,
            """
            SELECT (SELECT COUNT(*) FROM runs WHERE flow_key1 = $key AND lease_owner IS NOT NULL AND due_at > $now)
                 + (SELECT COUNT(*) FROM runs WHERE flow_key2 = $key AND lease_owner IS NOT NULL AND due_at > $now)
            """,
            "$key", "$now");
        var held = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            held[key] = Convert.ToInt32(command.Bind(key, Db.Ms(now)).Scalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, int>>(held);
    }

    ValueTask<IReadOnlyDictionary<string, long>> IFlowClaimOps.ReadThrottlesAsync(IReadOnlyCollection<string> keys)
    {
        var command = Lazy(ref _flowThrottle, "SELECT tat FROM flow_throttles WHERE key = $key", "$key");
        var state = new Dictionary<string, long>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (command.Bind(key).Scalar() is long tat)
            {
                state[key] = tat;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(state);
    }

    ValueTask<IReadOnlyList<ClaimedRun>> IFlowClaimOps.LeaseAsync(IReadOnlyList<FlowCandidate> runs, ClaimCommand command)
    {
        var lease = Lazy(
            ref _flowLease,
            $"UPDATE runs SET {Lease} WHERE id = $id RETURNING id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress",
            "$owner", "$until", "$now", "$id");
        var claimed = new List<ClaimedRun>(runs.Count);
        foreach (var run in runs)
        {
            using var reader = lease.Bind(command.Owner, Db.Ms(command.LeaseUntil), Db.Ms(command.Now), run.RunId).Read();
            if (reader.Read())
            {
                claimed.Add(ReadClaimed(reader, Db.Time(run.DueMs)));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<ClaimedRun>>(claimed);
    }

    ValueTask IFlowClaimOps.SaveAsync(IReadOnlyDictionary<string, (long Tat, long AllowedAt)> throttles, IReadOnlyList<string> served, IReadOnlyList<string> maybeEmpty)
    {
        var save = Lazy(ref _flowSaveThrottle, "INSERT INTO flow_throttles (key, tat, allowed_at) VALUES ($key, $tat, $allowed) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat, allowed_at = excluded.allowed_at",
            "$key", "$tat", "$allowed");
        foreach (var (key, (tat, allowed)) in throttles)
        {
            save.Bind(key, tat, allowed).Execute();
        }

        var last = Convert.ToInt64(Lazy(ref _flowMaxServed, "SELECT COALESCE(MAX(served), 0) FROM flow_queues").Scalar(), System.Globalization.CultureInfo.InvariantCulture);
        var serve = Lazy(ref _flowServe, "UPDATE flow_queues SET served = $served WHERE queue = $queue", "$served", "$queue");
        foreach (var queue in served)
        {
            serve.Bind(++last, queue).Execute();
        }

        var drop = Lazy(
            ref _flowDropQueue,
            "DELETE FROM flow_queues WHERE queue = $queue AND NOT EXISTS (SELECT 1 FROM runs WHERE flow_queue = $queue AND finished_at IS NULL)",
            "$queue");
        foreach (var queue in maybeEmpty)
        {
            drop.Bind(queue).Execute();
        }

        return ValueTask.CompletedTask;
    }

    ValueTask<DateTimeOffset?> IFlowClaimOps.NextDueAsync(DateTimeOffset now)
    {
        var next = Lazy(ref _flowNextDue, "SELECT MIN(due_at) FROM runs WHERE flow_queue IS NOT NULL AND due_at > $now", "$now").Bind(Db.Ms(now)).Scalar();
        return ValueTask.FromResult<DateTimeOffset?>(next is long ms ? Db.Time(ms) : null);
    }

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

    private void InsertFlowRun(NewRun run, RunFlow flow, DateTimeOffset now)
    {
        Lazy(
            ref _flowInsertRun,
            """
            INSERT INTO runs (id, function_id, status, trigger, event_id, created_at, due_at, parent_run_id, parent_step_id, error,
                flow_queue, flow_priority, flow_key1, flow_limit1, flow_key2, flow_limit2, throttle_key, throttle_interval, throttle_burst)
            VALUES ($id, $function, 0, $trigger, $event, $now, $now, $parent, $parentStep, $error,
                $queue, $priority, $key1, $limit1, $key2, $limit2, $throttle, $interval, $burst)
            """,
            "$id", "$function", "$trigger", "$event", "$now", "$parent", "$parentStep", "$error",
            "$queue", "$priority", "$key1", "$limit1", "$key2", "$limit2", "$throttle", "$interval", "$burst")
            .Bind(
                run.RunId, run.FunctionId, run.TriggerJson, run.EventId, Db.Ms(now), run.ParentRunId, run.ParentStepId, StoreJson.Error(flow.Error),
                flow.Queue, flow.PriorityMs, flow.Key1, flow.Key1 is null ? null : flow.Limit1, flow.Key2, flow.Key2 is null ? null : flow.Limit2,
                flow.ThrottleKey, flow.ThrottleKey is null ? null : flow.ThrottleIntervalMs, flow.ThrottleKey is null ? null : flow.ThrottleBurst)
            .Execute();
        Lazy(ref _flowInsertQueue, "INSERT INTO flow_queues (queue, served) VALUES ($queue, 0) ON CONFLICT (queue) DO NOTHING", "$queue").Bind(flow.Queue).Execute();
    }

    private PreparedCommand Lazy(ref PreparedCommand? command, string sql, params string[] parameters) => command ??= Prepare(sql, parameters);
}

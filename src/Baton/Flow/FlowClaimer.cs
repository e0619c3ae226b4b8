using Baton.Storage;

namespace Baton.Flow;

/// <summary>
/// Claims flow-controlled runs: rotates across queues (in name order from a stored cursor, a fair share each), takes each
/// queue's runs in order while their concurrency keys have free slots and their throttle allows a start, and stops a
/// queue at its first run that must wait, so runs of a key start in order. Runs inside the claim transaction; the
/// provider serializes it per key (PostgreSQL: advisory locks; SQLite: the single writer).
/// </summary>
internal static class FlowClaimer
{
    /// <summary>Most queues looked at by one claim, whatever its size.</summary>
    public const int MaxQueuesPerClaim = 256;

    public static async ValueTask<ClaimResult> ClaimAsync(IFlowClaimOps ops, ClaimCommand command, int budget)
    {
        if (budget <= 0)
        {
            return new ClaimResult([], command.Now);
        }

        var now = command.Now;
        var nowMs = now.ToUnixTimeMilliseconds();
        // A quarter more queues than runs wanted, so a few blocked or empty queues do not leave the claim short; every
        // queue looked at costs a candidate read and a slot count, so not many more.
        var count = Math.Min(MaxQueuesPerClaim, Math.Max(budget + (budget / 4), 16));
        var (queues, candidates, locked) = await ops.ReadQueuesAndCandidatesAsync(count, budget, now).ConfigureAwait(false);
        if (queues.Count == 0)
        {
            return new ClaimResult([], await ops.NextDueAsync(now).ConfigureAwait(false));
        }

        var byQueue = new Dictionary<string, Queue<FlowCandidate>>(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            if (!byQueue.TryGetValue(c.Queue, out var list))
            {
                byQueue[c.Queue] = list = new Queue<FlowCandidate>();
            }

            list.Enqueue(c);
        }

        var concurrencyKeys = new HashSet<string>(StringComparer.Ordinal);
        var throttleKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            AddIf(concurrencyKeys, c.Key1);
            AddIf(concurrencyKeys, c.Key2);
            if (c.Claims == 0)
            {
                AddIf(throttleKeys, c.ThrottleKey);
            }
        }

        if (locked is not null)
        {
            concurrencyKeys.IntersectWith(locked);
            throttleKeys.RemoveWhere(k => !locked.Contains(ThrottleLockName(k)));
        }

        var held = concurrencyKeys.Count == 0
            ? new Dictionary<string, int>(StringComparer.Ordinal)
            : new Dictionary<string, int>(await ops.CountHeldAsync(concurrencyKeys, now).ConfigureAwait(false), StringComparer.Ordinal);
        var throttles = throttleKeys.Count == 0
            ? new Dictionary<string, long>(StringComparer.Ordinal)
            : new Dictionary<string, long>(await ops.ReadThrottlesAsync(throttleKeys).ConfigureAwait(false), StringComparer.Ordinal);
        var changedThrottles = new Dictionary<string, (long Tat, long AllowedAt)>(StringComparer.Ordinal);

        DateTimeOffset? next = null;
        var taken = new List<FlowCandidate>(budget);
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        // The queue the last run was taken from: when the budget runs out there, the queues after it in this claim's
        // last round got one run fewer, so the next claim starts right after it.
        string? lastTaken = null;

        // Round-robin: one run per queue per round, so a long queue never delays a short one by more than a round.
        var progress = true;
        while (taken.Count < budget && progress)
        {
            progress = false;
            foreach (var queue in queues)
            {
                if (taken.Count == budget)
                {
                    break;
                }

                if (blocked.Contains(queue) || !byQueue.TryGetValue(queue, out var waiting) || waiting.Count == 0)
                {
                    continue;
                }

                var run = waiting.Peek();
                switch (Admit(run))
                {
                    case Admission.Yes:
                        waiting.Dequeue();
                        taken.Add(run);
                        lastTaken = queue;
                        progress = true;
                        break;
                    default:
                        blocked.Add(queue);
                        break;
                }
            }
        }

        // The rotation cursor moves past every queue this claim looked at to the end (served, blocked, or with nothing
        // due), or, when the budget ran out first, past the queue it ran out at: queues after it keep their place at the
        // front of the rotation. One value is written per claim, however many queues it looked at.
        var cursor = taken.Count == budget ? lastTaken! : queues[^1];
        var empty = queues.Where(q => !byQueue.ContainsKey(q)).ToArray();
        var (claimed, due) = await ops.LeaseAndSaveAsync(taken, command, changedThrottles, cursor, empty).ConfigureAwait(false);
        next = Min(next, due);

        // More may be claimable right away: a queue still had runs ready when the budget ran out, or the claim read as
        // many queues as it asked for, so more may wait beyond them. (A key another node is claiming right now is looked at again when that
        // node's commit wakes this one, or at the next poll.)
        if (taken.Count == budget || (queues.Count == count && taken.Count > 0))
        {
            next = now;
        }

        return new ClaimResult(claimed, next);

        Admission Admit(FlowCandidate run)
        {
            if ((run.Key1 is { } k1 && !concurrencyKeys.Contains(k1)) || (run.Key2 is { } k2 && !concurrencyKeys.Contains(k2)))
            {
                return Admission.Contended;
            }

            if ((run.Key1 is { } a && Held(a) >= run.Limit1) || (run.Key2 is { } b && Held(b) >= run.Limit2))
            {
                return Admission.Full;
            }

            if (run.Claims == 0 && run.ThrottleKey is { } throttleKey)
            {
                if (!throttleKeys.Contains(throttleKey))
                {
                    return Admission.Contended;
                }

                // GCRA: a start is allowed once now >= tat - (burst - 1) * interval; it moves tat one interval on.
                var tat = changedThrottles.TryGetValue(throttleKey, out var t) ? t.Tat : throttles.GetValueOrDefault(throttleKey, nowMs);
                var allowance = (run.ThrottleBurst - 1) * run.ThrottleIntervalMs;
                var allowedAt = tat - allowance;
                if (nowMs < allowedAt)
                {
                    next = Min(next, DateTimeOffset.FromUnixTimeMilliseconds(allowedAt));
                    return Admission.Throttled;
                }

                var newTat = Math.Max(tat, nowMs) + run.ThrottleIntervalMs;
                changedThrottles[throttleKey] = (newTat, newTat - allowance);
            }

            if (run.Key1 is { } h1)
            {
                held[h1] = Held(h1) + 1;
            }

            if (run.Key2 is { } h2)
            {
                held[h2] = Held(h2) + 1;
            }

            return Admission.Yes;
        }

        int Held(string key) => held.GetValueOrDefault(key);
    }

    /// <summary>The lock name of a throttle key, kept apart from concurrency keys.</summary>
    public static string ThrottleLockName(string throttleKey) => "t" + CompiledFlow.Separator + throttleKey;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b)
        => a is null ? b : b is null ? a : a < b ? a : b;

    private static void AddIf(HashSet<string> set, string? key)
    {
        if (key is not null)
        {
            set.Add(key);
        }
    }

    private enum Admission
    {
        Yes,
        Full,
        Throttled,
        Contended,
    }
}

using Baton.Storage;

namespace Baton.Resources;

/// <summary>
/// The budget rules for one request, applied by the provider to the locked row: a pause first, then the queue of
/// runs already waiting, then the window's quota, then the rate (GCRA). A refused request joins the queue: its wake
/// time is at least the budget's spacing after the wake time handed out before it, so runs waiting on one resource
/// wake one after another, in order, and never spin. A request that comes back at its wake time (its ticket) skips
/// the queue check; a fresh one does not jump ahead of runs already waiting.
/// </summary>
/// <param name="budget">The declared budget.</param>
/// <param name="cost">Units asked for (already checked against the budget).</param>
/// <param name="now">Current time.</param>
/// <param name="ticket">The wake time the request was given when it was last refused, if any.</param>
/// <param name="pauseUntil">When set, the request pauses the resource until then instead of acquiring.</param>
internal sealed class ResourceArbiter(ResourceBudget budget, int cost, DateTimeOffset now, DateTimeOffset? ticket, DateTimeOffset? pauseUntil) : IResourcePolicy
{
    public ResourceDecision Decide(ResourceState current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var state = current;
        if (pauseUntil is { } pause)
        {
            state = state with { PausedUntil = Ceiling(Max(state.PausedUntil, pause)) };
            return Queue(state, state.PausedUntil!.Value);
        }

        if (ticket is null && state.QueueUntil > now)
        {
            return Queue(state, now);
        }

        if (state.PausedUntil > now)
        {
            return Queue(state, state.PausedUntil.Value);
        }

        var used = 0L;
        DateTimeOffset? windowStart = null;
        if (budget.Quota is { } quota)
        {
            var (start, end) = quota.WindowAt(now);
            windowStart = start;
            used = state.WindowStart >= start ? state.Used : 0;
            if (used + cost > quota.Limit)
            {
                return Queue(state, end);
            }
        }

        DateTimeOffset? tat = state.Tat;
        if (budget.Rate is { } rate)
        {
            // Decided on exact times; only the stored arrival time is rounded up. Rounding before the comparison
            // would refuse a burst-1 request made at any time that is not a whole millisecond, again and again.
            var next = Max(state.Tat, now) + (rate.Interval * cost);
            var allowedAt = next - (rate.Interval * rate.Burst);
            if (allowedAt > now)
            {
                return Queue(state, allowedAt);
            }

            tat = Ceiling(next);
        }

        var granted = state with { Tat = tat, WindowStart = windowStart ?? state.WindowStart, Used = windowStart is null ? state.Used : used + cost };
        return new ResourceDecision(granted, true, null);
    }

    /// <summary>Refuses the request: it wakes no earlier than <paramref name="earliest"/>, and after the runs queued before it.</summary>
    private ResourceDecision Queue(ResourceState state, DateTimeOffset earliest)
    {
        var wake = earliest;
        if (state.QueueUntil is { } last && last > now)
        {
            wake = Max(wake, last + (budget.Spacing * cost));
        }

        wake = Ceiling(Max(wake, now + TimeSpan.FromMilliseconds(1)));
        return new ResourceDecision(state with { QueueUntil = Max(state.QueueUntil, wake) }, false, wake);
    }

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    /// <summary>Rounds up to the millisecond the stores keep, so a stored time never lets more through than decided.</summary>
    internal static DateTimeOffset Ceiling(DateTimeOffset value)
    {
        var extra = value.UtcTicks % TimeSpan.TicksPerMillisecond;
        return extra == 0 ? value : value.AddTicks(TimeSpan.TicksPerMillisecond - extra);
    }
}

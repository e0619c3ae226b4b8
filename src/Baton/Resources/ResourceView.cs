using Baton.Storage;

namespace Baton.Resources;

/// <summary>Turns a budget's stored state into what the inspector reports at a given time.</summary>
internal static class ResourceView
{
    public static ResourceInfo Describe(ResourceBudget budget, ResourceState state, DateTimeOffset now)
    {
        int? tokens = null;
        if (budget.Rate is { } rate)
        {
            // GCRA: the rate is full at TAT; each interval before it is one unit still in use.
            var busy = state.Tat is { } tat && tat > now ? tat - now : TimeSpan.Zero;
            tokens = Math.Clamp(rate.Burst - (int)Math.Ceiling(busy / rate.Interval), 0, rate.Burst);
        }

        long? used = null;
        DateTimeOffset? resets = null;
        if (budget.Quota is { } quota)
        {
            var (start, end) = quota.WindowAt(now);
            used = state.WindowStart >= start ? state.Used : 0;
            resets = end;
        }

        var paused = state.PausedUntil > now;
        return new ResourceInfo
        {
            Name = budget.Name,
            RatePerSecond = budget.Rate?.PerSecond,
            Burst = budget.Rate?.Burst,
            TokensAvailable = paused ? 0 : tokens,
            QuotaLimit = budget.Quota?.Limit,
            QuotaUsed = used,
            QuotaRemaining = used is { } u ? Math.Max(0, budget.Quota!.Limit - u) : null,
            WindowResetsAt = resets,
            PausedUntil = paused ? state.PausedUntil : null,
            QueuedUntil = state.QueueUntil > now ? state.QueueUntil : null,
        };
    }
}

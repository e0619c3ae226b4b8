namespace Baton;

/// <summary>The worker that leads the workers sharing a store: it alone fires cron ticks and prunes history.</summary>
/// <param name="WorkerId">The leader's <see cref="BatonOptions.WorkerId"/>.</param>
/// <param name="LeaseExpiresAt">When its lease ends unless renewed (it renews every third of the lease).</param>
public sealed record LeaderInfo(string WorkerId, DateTimeOffset LeaseExpiresAt);

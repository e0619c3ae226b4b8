namespace Baton.Storage;

/// <summary>
/// Lease plain runs an ingest creates to the worker that ingests, in the ingest's own transaction: the runs are
/// written already claimed (running, leased to <see cref="Owner"/> until <see cref="LeaseUntil"/>, fencing token 1,
/// first claim) and handed straight to that worker, with no claim transaction and no wake-up in between. Only runs
/// without claim-time flow control qualify (<see cref="Leasable"/>), at most <see cref="Limit"/>, in plan order;
/// the others are stored due as usual. A provider that does not implement it returns no claimed runs.
/// </summary>
/// <param name="Owner">Worker id taking the leases.</param>
/// <param name="LeaseUntil">Lease expiry.</param>
/// <param name="Limit">Most runs to lease (the worker's free slots it reserved).</param>
public sealed record IngestLease(string Owner, DateTimeOffset LeaseUntil, int Limit)
{
    /// <summary>The fencing token of a run leased at ingest: its first lease, as a first claim would give it.</summary>
    public const long FirstToken = 1;

    /// <summary>True for a run that may be leased at ingest: no claim-time flow control, not an invoked child run.</summary>
    public static bool Leasable(NewRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Flow is null && run.ParentRunId is null;
    }

    /// <summary>The leased run as the worker gets it from a claim.</summary>
    public ClaimedRun ToClaimed(NewRun run, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new ClaimedRun
        {
            RunId = run.RunId,
            FunctionId = run.FunctionId,
            TriggerJson = run.TriggerJson,
            Token = FirstToken,
            Attempt = 0,
            Claims = 1,
            CreatedAt = now,
            StartedAt = now,
            DueAt = now,
        };
    }
}

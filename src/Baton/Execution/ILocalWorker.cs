using Baton.Storage;

namespace Baton.Execution;

/// <summary>
/// The worker of this process, as an ingest sees it: an ingest reserves free slots, the provider leases up to that many
/// of the plain runs it creates in the ingest's transaction (<see cref="IngestLease"/>), and the committed leases are
/// handed to the worker directly — no claim transaction, no wake-up.
/// </summary>
internal interface ILocalWorker
{
    /// <summary>Reserves up to <paramref name="wanted"/> free slots; null when the worker takes none now (full, stopping, or runs already waiting in the store).</summary>
    IngestLease? ReserveForIngest(int wanted, DateTimeOffset now);

    /// <summary>Starts the runs the ingest leased (called once its transaction committed) and frees the rest of the reservation.</summary>
    void StartLeased(IngestLease lease, IReadOnlyList<ClaimedRun> runs, DateTimeOffset now);

    /// <summary>Frees a reservation whose ingest failed.</summary>
    void ReleaseReservation(IngestLease lease);
}

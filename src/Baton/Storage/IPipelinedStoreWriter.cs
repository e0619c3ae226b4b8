namespace Baton.Storage;

/// <summary>
/// A writer that can apply the commands of one group-commit batch together, sending the statements they wait
/// on in as few round trips to its database as it can (PostgreSQL: one pipelined batch of statements per
/// round, instead of one round trip per statement). The group-commit loop uses it when the store's writer
/// implements it. Every write stays fenced as when applied alone, and each command's own statements run in
/// order; statements of different commands may interleave (the batch's commands come from different runs and
/// callers), so a claim in a batch may not see runs that an ingest of the same batch creates — the commit
/// wakes the dispatcher, which claims them next.
/// </summary>
public interface IPipelinedStoreWriter : IStoreWriter
{
    /// <summary>
    /// Starts every command in order, without waiting for the previous one, and returns when all have completed
    /// inside the open transaction. A command's failure fails the call (the caller rolls the transaction back).
    /// </summary>
    /// <param name="commands">Each starts one command on this writer (e.g. <c>() =&gt; writer.FinishRunAsync(...)</c>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask ApplyTogetherAsync(IReadOnlyList<Func<ValueTask>> commands, CancellationToken cancellationToken);
}

namespace Baton;

/// <summary>
/// Function pauses are stored (table <c>function_pauses</c>) and shared by every process on the database. The ingest
/// transaction reads them before it plans: an event for a paused function is stored and recorded as skipped with
/// <see cref="PausedReason"/>, and starts no run.
/// </summary>
public static class FunctionPauses
{
    /// <summary>The skip reason recorded for an event that arrived while its function was paused.</summary>
    public const string PausedReason = "function paused";
}

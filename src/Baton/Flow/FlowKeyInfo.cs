namespace Baton;

/// <summary>The claim-time state of one function's key (its fairness queue): what runs, what waits, and its throttle.</summary>
/// <param name="FunctionId">The function.</param>
/// <param name="Key">The key value (the first concurrency key, else the throttle key; empty for a function-wide queue).</param>
/// <param name="Running">Runs of the key holding a lease now (executing).</param>
/// <param name="Queued">Runs of the key due now and waiting to be claimed (for a slot, the throttle, or a worker).</param>
/// <param name="ThrottledUntil">When the function's throttle for this key allows its next run start; null when a start is allowed now (or the function has no throttle).</param>
public sealed record FlowKeyInfo(string FunctionId, string Key, int Running, int Queued, DateTimeOffset? ThrottledUntil);

namespace Baton.AspNetCore.Replay;

/// <summary>Progress of a bulk replay, as <c>GET /api/v1/replays/{id}</c> shows it.</summary>
public sealed record ReplayJobView
{
    /// <summary>Replay id: the id of the <c>baton/bulk-replay</c> run that carries it out.</summary>
    public required string Id { get; init; }

    /// <summary>Runs to replay.</summary>
    public required int Total { get; init; }

    /// <summary>Replays started so far.</summary>
    public required int Started { get; init; }

    /// <summary>Runs that could not be replayed, with why.</summary>
    public required IReadOnlyList<ReplayFailure> Failed { get; init; }

    /// <summary>New run ids, in the order they were started.</summary>
    public required IReadOnlyList<string> NewRunIds { get; init; }

    /// <summary>Runs started per second.</summary>
    public required double RatePerSecond { get; init; }

    /// <summary>True when the replay run has finished (every run handled, or the replay was cancelled).</summary>
    public required bool Done { get; init; }
}

/// <summary>A run a bulk replay could not replay.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Reason">Why.</param>
public sealed record ReplayFailure(string RunId, string Reason);

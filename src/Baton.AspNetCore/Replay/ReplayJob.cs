namespace Baton.AspNetCore.Replay;

/// <summary>Progress of a bulk replay, as <c>GET /api/v1/replays/{id}</c> shows it.</summary>
public sealed record ReplayJobView
{
    /// <summary>Replay id.</summary>
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

    /// <summary>True when every run has been handled.</summary>
    public required bool Done { get; init; }
}

/// <summary>A run a bulk replay could not replay.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Reason">Why.</param>
public sealed record ReplayFailure(string RunId, string Reason);

/// <summary>A bulk replay in progress.</summary>
internal sealed class ReplayJob(string id, IReadOnlyList<string> runIds, double ratePerSecond)
{
    private readonly Lock _gate = new();
    private readonly List<string> _newRunIds = [];
    private readonly List<ReplayFailure> _failed = [];
    private int _handled;

    public string Id => id;

    public IReadOnlyList<string> RunIds => runIds;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Started(string newRunId)
    {
        lock (_gate)
        {
            _newRunIds.Add(newRunId);
            _handled++;
        }
    }

    public void Failed(string runId, string reason)
    {
        lock (_gate)
        {
            _failed.Add(new ReplayFailure(runId, reason));
            _handled++;
        }
    }

    public ReplayJobView View()
    {
        lock (_gate)
        {
            return new ReplayJobView
            {
                Id = id,
                Total = runIds.Count,
                Started = _newRunIds.Count,
                Failed = _failed.ToArray(),
                NewRunIds = _newRunIds.ToArray(),
                RatePerSecond = ratePerSecond,
                Done = _handled == runIds.Count,
            };
        }
    }
}

using Baton.Internal;

namespace Baton.Operations;

/// <summary>Replays that happen once per key.</summary>
internal sealed partial class BatonOperations
{
    public async Task<string> ReplayRunAsync(string runId, string replayKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(replayKey);
        var eventId = "replay-" + replayKey;
        var error = EventValidation.CheckId(eventId);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(replayKey));
        }

        var (run, function) = await ReplayableAsync(runId, cancellationToken).ConfigureAwait(false);
        var created = await StartRunsAsync(function, [run.Events[0]], eventId).ConfigureAwait(false);
        if (created.Count > 0)
        {
            return created[0];
        }

        // The event was stored before (the same key): its run is the newest of the function whose trigger has the id.
        var earlier = await engine.Store.ListRunsAsync(new RunQuery { FunctionId = function.Id, Text = eventId, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return earlier.Items.FirstOrDefault(r => r.EventId == eventId)?.Id
            ?? throw new RunNotReplayableException(runId, $"its replay '{eventId}' was stored before, but its run is gone");
    }
}

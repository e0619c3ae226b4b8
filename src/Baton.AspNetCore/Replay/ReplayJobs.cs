using System.Text.Json;

namespace Baton.AspNetCore.Replay;

/// <summary>
/// Starts bulk replays as runs of <see cref="BulkReplayFunction"/> and reads their progress back from the store, so
/// any node answers for any job, before and after restarts. A job's id is its run's id.
/// </summary>
internal sealed class ReplayJobs(IBatonClient client, IBatonInspector inspector)
{
    /// <summary>Starts replaying <paramref name="runIds"/> (in this order) at <paramref name="ratePerSecond"/>; null when the bulk-replay function is paused.</summary>
    public async Task<ReplayJobView?> StartAsync(IReadOnlyList<string> runIds, double ratePerSecond, CancellationToken cancellationToken)
    {
        var eventId = "bulk-replay-" + Guid.NewGuid().ToString("N");
        await client.SendAsync(new EventMessage(BulkReplayFunction.EventName, new BulkReplayRequest(runIds, ratePerSecond)) { Id = eventId }, cancellationToken).ConfigureAwait(false);
        var runs = await inspector.ListRunsAsync(new RunQuery { FunctionId = BulkReplayFunction.FunctionId, Text = eventId, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return runs.Items.FirstOrDefault(r => r.EventId == eventId) is { } run ? await ViewAsync(run, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>The job, or null when no bulk replay has this id.</summary>
    public async Task<ReplayJobView?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var run = await inspector.GetRunAsync(id, cancellationToken).ConfigureAwait(false);
        return run is null || run.FunctionId != BulkReplayFunction.FunctionId ? null : await ViewAsync(run, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReplayJobView> ViewAsync(RunInfo run, CancellationToken cancellationToken)
    {
        var request = run.Events.Count > 0 ? run.Events[0].Data.Deserialize<BulkReplayRequest>(JsonSerializerOptions.Web) : null;
        var started = new List<string>();
        var failed = new List<ReplayFailure>();
        foreach (var step in await inspector.GetStepsAsync(run.Id, cancellationToken).ConfigureAwait(false))
        {
            if (step.Name == BulkReplayFunction.PageStep && step.Status == StepStatus.Completed && step.Output is { } output
                && JsonSerializer.Deserialize<ReplayPage>(output, JsonSerializerOptions.Web) is { } page)
            {
                started.AddRange(page.Started);
                failed.AddRange(page.Failed);
            }
        }

        return new ReplayJobView
        {
            Id = run.Id,
            Total = request?.RunIds.Count ?? 0,
            Started = started.Count,
            Failed = failed,
            NewRunIds = started,
            RatePerSecond = request?.RatePerSecond ?? 0,
            Done = run.FinishedAt is not null,
        };
    }
}

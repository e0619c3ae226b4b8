using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.AspNetCore.Replay;

/// <summary>
/// Runs bulk replays in the background at <see cref="BatonApiOptions.ReplaysPerSecond"/>, so that replaying thousands
/// of runs starts them spread over time instead of all at once. Jobs live in this process only: a restart stops a
/// replay half-way (the runs already started stay started; its status then reads 404).
/// </summary>
internal sealed class ReplayScheduler(IBatonOperations operations, TimeProvider time, ILogger<ReplayScheduler> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, ReplayJob> _jobs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public ReplayJob Start(IReadOnlyList<string> runIds, double ratePerSecond)
    {
        var job = new ReplayJob(Guid.NewGuid().ToString("N"), runIds, ratePerSecond);
        _jobs[job.Id] = job;
        _ = RunAsync(job, TimeSpan.FromSeconds(1 / ratePerSecond));
        return job;
    }

    public ReplayJob? Find(string id) => _jobs.GetValueOrDefault(id);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    private async Task RunAsync(ReplayJob job, TimeSpan interval)
    {
        var token = _stopping.Token;
        try
        {
            var next = time.GetUtcNow();
            foreach (var runId in job.RunIds)
            {
                var wait = next - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, token).ConfigureAwait(false);
                }

                next += interval;
                try
                {
                    job.Started(await operations.ReplayRunAsync(runId, token).ConfigureAwait(false));
                }
                catch (BatonException e)
                {
                    job.Failed(runId, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Host stopping: the rest of the replay is dropped (documented).
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ReplayFailed(logger, job.Id, e);
        }
        finally
        {
            job.Completion.TrySetResult();
        }
    }
}

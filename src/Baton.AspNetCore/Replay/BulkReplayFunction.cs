using Microsoft.Extensions.DependencyInjection;

namespace Baton.AspNetCore.Replay;

/// <summary>
/// The Baton function that carries out a bulk replay (<c>baton/bulk-replay</c>, registered by <c>AddBatonApi()</c>). Its
/// trigger event holds the runs to replay, oldest first, and the pace. Each step replays one page of them (as many as
/// the pace allows per second, at least one) and a durable sleep until the page's time spaces the pages, so the replay is spread over time,
/// survives restarts (it resumes after the last recorded page), runs on one node and shows in the dashboard like any
/// run. Each run is replayed once per job even when a page's step runs twice (a crash before its result was stored):
/// the replay's event id is derived from the job and the run.
/// </summary>
internal static class BulkReplayFunction
{
    /// <summary>The function's id.</summary>
    public const string FunctionId = "baton/bulk-replay";

    /// <summary>The event that starts a bulk replay.</summary>
    public const string EventName = "baton/bulk-replay.requested";

    /// <summary>Name of the steps that replay a page.</summary>
    public const string PageStep = "replay";

    public static void Register(BatonBuilder baton) => baton.AddFunction<BulkReplayRequest, ReplaySummary>(FunctionId, f => f.OnEvent(EventName), RunAsync);

    /// <summary>Runs replayed per page: the pace per second, rounded down, at least one.</summary>
    public static int PageSize(double ratePerSecond) => (int)Math.Clamp(Math.Floor(ratePerSecond), 1, int.MaxValue);

    private static async Task<ReplaySummary> RunAsync(FunctionContext<BulkReplayRequest> ctx)
    {
        var request = ctx.Data;
        var operations = ctx.Services.GetRequiredService<IBatonOperations>();
        var pageSize = PageSize(request.RatePerSecond);
        var pause = TimeSpan.FromSeconds(pageSize / request.RatePerSecond);
        int started = 0, failed = 0;
        for (var first = 0; first < request.RunIds.Count; first += pageSize)
        {
            if (first > 0)
            {
                // Page k is due k pauses after the request, however long the pages before it took.
                await ctx.Step.SleepUntil("pace", ctx.Event.Timestamp + (pause * (first / pageSize))).ConfigureAwait(false);
            }

            var runIds = request.RunIds.Skip(first).Take(pageSize).ToArray();
            var page = await ctx.Step.Run(PageStep, () => ReplayPageAsync(operations, ctx.RunId, runIds, ctx.CancellationToken)).ConfigureAwait(false);
            started += page.Started.Count;
            failed += page.Failed.Count;
            ctx.Progress.Report(started + failed, request.RunIds.Count, $"{started} replayed, {failed} refused");
        }

        return new ReplaySummary(request.RunIds.Count, started, failed);
    }

    private static async Task<ReplayPage> ReplayPageAsync(IBatonOperations operations, string jobId, IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        var started = new List<string>();
        var failed = new List<ReplayFailure>();
        foreach (var runId in runIds)
        {
            try
            {
                started.Add(await operations.ReplayRunAsync(runId, jobId + "-" + runId, cancellationToken).ConfigureAwait(false));
            }
            catch (BatonException e)
            {
                failed.Add(new ReplayFailure(runId, e.Message));
            }
        }

        return new ReplayPage(started, failed);
    }
}

/// <summary>The trigger data of a bulk replay.</summary>
/// <param name="RunIds">Runs to replay, in order (oldest first).</param>
/// <param name="RatePerSecond">Runs started per second.</param>
public sealed record BulkReplayRequest(IReadOnlyList<string> RunIds, double RatePerSecond);

/// <summary>What one page of a bulk replay did (the output of its <c>replay</c> step).</summary>
/// <param name="Started">New runs, in order.</param>
/// <param name="Failed">Runs that could not be replayed, with why.</param>
public sealed record ReplayPage(IReadOnlyList<string> Started, IReadOnlyList<ReplayFailure> Failed);

/// <summary>The result of a bulk replay run.</summary>
/// <param name="Total">Runs it was asked to replay.</param>
/// <param name="Started">Replays started.</param>
/// <param name="Failed">Runs that could not be replayed.</param>
public sealed record ReplaySummary(int Total, int Started, int Failed);

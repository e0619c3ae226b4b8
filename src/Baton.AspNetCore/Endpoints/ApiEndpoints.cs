using Baton.AspNetCore.Replay;
using Baton.AspNetCore.Security;
using Baton.AspNetCore.Views;

namespace Baton.AspNetCore.Endpoints;

/// <summary>The REST API under <c>/api/v1</c>: functions, runs, events and operator actions.</summary>
internal static class ApiEndpoints
{
    private static readonly RunStatus[] Unfinished = [RunStatus.Queued, RunStatus.Running, RunStatus.Sleeping, RunStatus.Waiting];

    public static void Map(RouteGroupBuilder api, BatonApiOptions options)
    {
        api.MapGet("/functions", (HttpContext context, IBatonOperations ops, IBatonInspector inspector) => Guard(async () =>
            {
                var keys = await inspector.GetFlowKeysAsync(null, context.RequestAborted).ConfigureAwait(false);
                var pending = await inspector.ListPendingFlowAsync(null, context.RequestAborted).ConfigureAwait(false);
                var views = (await ops.ListFunctionsAsync(context.RequestAborted).ConfigureAwait(false))
                    .Select(f => FunctionView.From(f, [.. keys.Where(k => k.FunctionId == f.Id)], [.. pending.Where(p => p.FunctionId == f.Id)]))
                    .ToArray();
                return Json(new PageView<FunctionView>(views, null));
            }))
            .WithName("ListFunctions").WithTags("Functions").Produces<PageView<FunctionView>>();

        api.MapGet("/functions/{id}", (string id, HttpContext context, IBatonOperations ops, IBatonInspector inspector) => Guard(async () =>
            {
                if (await ops.GetFunctionAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } f)
                {
                    return NotFound($"no function '{id}'");
                }

                var keys = await inspector.GetFlowKeysAsync(id, context.RequestAborted).ConfigureAwait(false);
                var pending = await inspector.ListPendingFlowAsync(id, context.RequestAborted).ConfigureAwait(false);
                return Json(FunctionView.From(f, keys, pending));
            }))
            .WithName("GetFunction").WithTags("Functions").Produces<FunctionView>().Produces<ApiError>(404);

        api.MapGet("/resources", (HttpContext context, IBatonInspector inspector) => Guard(async () =>
                Json(await inspector.GetResourcesAsync(context.RequestAborted).ConfigureAwait(false))))
            .WithName("ListResources").WithTags("Functions").Produces<IReadOnlyList<ResourceInfo>>();

        api.MapGet("/runs", (HttpContext context, IBatonInspector inspector) => Guard(async () =>
            {
                var page = await inspector.ListRunsAsync(QueryParsing.RunQuery(context.Request.Query), context.RequestAborted).ConfigureAwait(false);
                return Json(new PageView<RunView>(page.Items.Select(RunView.From).ToArray(), page.NextCursor));
            }))
            .WithName("ListRuns").WithTags("Runs")
            .WithSummary("Runs, newest first. Query: function, key (flow-control key, exact), status (comma-separated), from, to (ISO 8601, creation time), text (in the trigger event), limit (1-1000, default 50), cursor.")
            .Produces<PageView<RunView>>().Produces<ApiError>(400);

        api.MapGet("/runs/{id}", (string id, HttpContext context, IBatonInspector inspector) => Guard(async () =>
            {
                var run = await inspector.GetRunAsync(id, context.RequestAborted).ConfigureAwait(false);
                if (run is null)
                {
                    return NotFound($"no run '{id}'");
                }

                var steps = await inspector.GetStepsAsync(id, context.RequestAborted).ConfigureAwait(false);
                return Json(new RunDetailView(RunView.From(run), run.Events, steps.Select(StepView.From).ToArray()));
            }))
            .WithName("GetRun").WithTags("Runs").Produces<RunDetailView>().Produces<ApiError>(404);

        api.MapGet("/runs/{id}/logs", (string id, HttpContext context, IBatonInspector inspector) => Guard(async () =>
            {
                var query = QueryParsing.RunLogQuery(id, context.Request.Query);
                if (await inspector.GetRunAsync(id, context.RequestAborted).ConfigureAwait(false) is null)
                {
                    return NotFound($"no run '{id}'");
                }

                var lines = await inspector.GetRunLogsAsync(query, context.RequestAborted).ConfigureAwait(false);
                var next = lines.Count == query.Limit ? lines[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
                return Json(new PageView<RunLogView>(lines.Select(RunLogView.From).ToArray(), next));
            }))
            .WithName("GetRunLogs").WithTags("Runs")
            .WithSummary("A run's stored log lines, oldest first. Query: cursor (sequence number of the last line seen), limit (1-1000, default 1000).")
            .Produces<PageView<RunLogView>>().Produces<ApiError>(400).Produces<ApiError>(404);

        api.MapGet("/events", (HttpContext context, IBatonInspector inspector) => Guard(async () =>
            {
                var page = await inspector.ListEventsAsync(QueryParsing.EventQuery(context.Request.Query), context.RequestAborted).ConfigureAwait(false);
                return Json(new PageView<EventView>(page.Items.Select(EventView.From).ToArray(), page.NextCursor));
            }))
            .WithName("ListEvents").WithTags("Events")
            .WithSummary("Events, newest first, with the runs each started and the functions that skipped it. Query: name, from, to (receive time), limit, cursor.")
            .Produces<PageView<EventView>>().Produces<ApiError>(400);

        api.MapGet("/replays/{id}", async (string id, HttpContext context, ReplayJobs replays) =>
                await replays.FindAsync(id, context.RequestAborted).ConfigureAwait(false) is { } job ? Json(job) : NotFound($"no replay '{id}'"))
            .WithName("GetReplay").WithTags("Runs").Produces<ReplayJobView>().Produces<ApiError>(404);

        var write = api.MapGroup("").AddEndpointFilter(async (context, next) => AccessFilters.CheckWritable(options) ?? await next(context).ConfigureAwait(false));

        write.MapPost("/runs/{id}/cancel", (string id, HttpContext context, IBatonClient client) => Guard(async () =>
            {
                var body = await RequestBodies.ReadAsync<CancelRequest>(context.Request, required: false).ConfigureAwait(false);
                var reason = string.IsNullOrWhiteSpace(body?.Reason) ? "cancelled via API" : body.Reason;
                return await client.CancelRunAsync(id, reason, context.RequestAborted).ConfigureAwait(false)
                    ? Json(new { runId = id, cancelled = true })
                    : ApiError.Result(StatusCodes.Status409Conflict, $"run '{id}' has already finished");
            }))
            .WithName("CancelRun").WithTags("Runs").Produces<ApiError>(404).Produces<ApiError>(409);

        write.MapPost("/runs/{id}/replay", (string id, HttpContext context, IBatonOperations ops) => Guard(async () =>
                Json(new { runId = id, newRunId = await ops.ReplayRunAsync(id, context.RequestAborted).ConfigureAwait(false) })))
            .WithName("ReplayRun").WithTags("Runs").Produces<ApiError>(404).Produces<ApiError>(409);

        write.MapPost("/runs/bulk-cancel", (HttpContext context, IBatonInspector inspector, IBatonClient client) => Guard(async () =>
            {
                var request = await RequestBodies.ReadAsync<BulkRequest>(context.Request, required: true).ConfigureAwait(false);
                var query = BulkQuery(request!, cancel: true);
                var runIds = await MatchAsync(inspector, query, options.MaxBulkRuns, context.RequestAborted).ConfigureAwait(false);
                var reason = string.IsNullOrWhiteSpace(request!.Reason) ? "bulk cancel" : request.Reason;
                var cancelled = new List<string>();
                foreach (var runId in runIds)
                {
                    if (await client.CancelRunAsync(runId, reason, CancellationToken.None).ConfigureAwait(false))
                    {
                        cancelled.Add(runId);
                    }
                }

                return Json(new BulkCancelResult(runIds.Count, cancelled.Count, cancelled));
            }))
            .WithName("BulkCancelRuns").WithTags("Runs")
            .WithSummary("Cancels every unfinished run matching the filter (functionId, statuses, from, to; at least one).")
            .Produces<BulkCancelResult>().Produces<ApiError>(400);

        write.MapPost("/runs/bulk-replay", (HttpContext context, IBatonInspector inspector, IBatonOperations ops, ReplayJobs replays) => Guard(async () =>
            {
                var request = await RequestBodies.ReadAsync<BulkRequest>(context.Request, required: true).ConfigureAwait(false);
                var query = BulkQuery(request!, cancel: false);
                if (query.FunctionId is { } fn)
                {
                    if (await ops.GetFunctionAsync(fn, context.RequestAborted).ConfigureAwait(false) is not { } function)
                    {
                        return NotFound($"no function '{fn}'");
                    }

                    if (function.PausedAt is not null)
                    {
                        return ApiError.Result(StatusCodes.Status409Conflict, $"function '{fn}' is paused; resume it first");
                    }
                }

                var runIds = await MatchAsync(inspector, query, options.MaxBulkRuns, context.RequestAborted).ConfigureAwait(false);

                // Oldest first, as they first happened.
                var ordered = runIds.Reverse().ToArray();
                return await replays.StartAsync(ordered, options.ReplaysPerSecond, context.RequestAborted).ConfigureAwait(false) is { } job
                    ? Results.Json(job, ApiJson.Options, statusCode: StatusCodes.Status202Accepted)
                    : ApiError.Result(StatusCodes.Status409Conflict, $"function '{BulkReplayFunction.FunctionId}' is paused; resume it first");
            }))
            .WithName("BulkReplayRuns").WithTags("Runs")
            .WithSummary("Replays every run matching the filter, spread over time at ReplaysPerSecond, as a durable run of baton/bulk-replay (the job id is its run id); poll GET /replays/{id} or watch the stream.")
            .Produces<ReplayJobView>(StatusCodes.Status202Accepted).Produces<ApiError>(400);

        write.MapPost("/functions/{id}/pause", (string id, HttpContext context, IBatonOperations ops) => Guard(async () =>
                Json(new PauseResult(id, true, await ops.PauseFunctionAsync(id, context.RequestAborted).ConfigureAwait(false), []))))
            .WithName("PauseFunction").WithTags("Functions").Produces<PauseResult>().Produces<ApiError>(404);

        write.MapPost("/functions/{id}/resume", (string id, HttpContext context, IBatonOperations ops) => Guard(async () =>
            {
                var replayText = context.Request.Query["replay"].ToString();
                if (replayText.Length > 0 && !bool.TryParse(replayText, out _))
                {
                    throw new QueryParsing.BadQueryException($"'replay' must be true or false: '{replayText}'");
                }

                var result = await ops.ResumeFunctionAsync(id, replayText.Length > 0 && bool.Parse(replayText), context.RequestAborted).ConfigureAwait(false);
                return Json(new PauseResult(id, false, result.WasPaused, result.ReplayedRunIds));
            }))
            .WithName("ResumeFunction").WithTags("Functions")
            .WithSummary("Resumes a paused function; ?replay=true starts a run for every event it skipped while paused.")
            .Produces<PauseResult>().Produces<ApiError>(404);
    }

    private static RunQuery BulkQuery(BulkRequest request, bool cancel)
    {
        var statuses = request.Statuses is { Count: > 0 } s ? QueryParsing.ParseStatuses(s, "statuses") : null;
        if (request.FunctionId is null && statuses is null && request.From is null && request.To is null)
        {
            throw new QueryParsing.BadQueryException("give at least one filter: functionId, statuses, from or to");
        }

        if (request.From is not null && request.To is not null && request.From > request.To)
        {
            throw new QueryParsing.BadQueryException("'from' is after 'to'");
        }

        if (cancel)
        {
            statuses = statuses is null ? Unfinished : statuses.Intersect(Unfinished).ToArray();
            if (statuses.Length == 0)
            {
                throw new QueryParsing.BadQueryException("finished runs cannot be cancelled: give statuses among Queued, Running, Sleeping, Waiting");
            }
        }

        return new RunQuery { FunctionId = request.FunctionId, Statuses = statuses, CreatedFrom = request.From, CreatedTo = request.To, Limit = QueryParsing.MaxLimit };
    }

    /// <summary>Every run id matching, newest first; refuses (changing nothing) when more than <paramref name="max"/> match.</summary>
    private static async Task<IReadOnlyList<string>> MatchAsync(IBatonInspector inspector, RunQuery query, int max, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await inspector.ListRunsAsync(query with { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            ids.AddRange(page.Items.Select(r => r.Id));
            if (ids.Count > max)
            {
                throw new QueryParsing.BadQueryException($"the filter matches more than {max} runs (MaxBulkRuns); narrow it");
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    private static IResult Json<T>(T value) => Results.Json(value, ApiJson.Options);

    private static IResult NotFound(string message) => ApiError.Result(StatusCodes.Status404NotFound, message);

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (QueryParsing.BadQueryException e)
        {
            return ApiError.Result(StatusCodes.Status400BadRequest, e.Message);
        }
        catch (RequestBodies.BadBodyException e)
        {
            return ApiError.Result(StatusCodes.Status400BadRequest, e.Message);
        }
        catch (RunNotFoundException e)
        {
            return NotFound(e.Message);
        }
        catch (FunctionNotFoundException e)
        {
            return NotFound(e.Message);
        }
        catch (FunctionPausedException e)
        {
            return ApiError.Result(StatusCodes.Status409Conflict, e.Message);
        }
        catch (RunNotReplayableException e)
        {
            return ApiError.Result(StatusCodes.Status409Conflict, e.Message);
        }
        catch (ArgumentException e)
        {
            return ApiError.Result(StatusCodes.Status400BadRequest, e.Message);
        }
    }
}

/// <summary>Outcome of a bulk cancel.</summary>
/// <param name="Matched">Unfinished runs that matched the filter.</param>
/// <param name="Cancelled">Runs cancelled (the rest finished meanwhile).</param>
/// <param name="RunIds">The cancelled runs.</param>
public sealed record BulkCancelResult(int Matched, int Cancelled, IReadOnlyList<string> RunIds);

/// <summary>Outcome of pause or resume.</summary>
/// <param name="FunctionId">The function.</param>
/// <param name="Paused">Its state now.</param>
/// <param name="Changed">False when it already was in that state.</param>
/// <param name="ReplayedRunIds">Runs started on resume for events skipped while paused.</param>
public sealed record PauseResult(string FunctionId, bool Paused, bool Changed, IReadOnlyList<string> ReplayedRunIds);

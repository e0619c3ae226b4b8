using Baton.AspNetCore.Security;
using Baton.AspNetCore.Views;
using Microsoft.Net.Http.Headers;

namespace Baton.AspNetCore.Dashboard;

/// <summary>
/// Maps the dashboard (<c>{prefix}/dashboard/</c>, files embedded in the assembly) and the chart data it reads
/// (<c>GET /api/v1/stats</c>). The pages hold no data: every number comes from the API with the API's access rules.
/// </summary>
internal static class DashboardEndpoints
{
    public static void Map(RouteGroupBuilder root, RouteGroupBuilder api, BatonApiOptions options)
    {
        api.MapGet("/stats", async (HttpContext context, IBatonInspector inspector, TimeProvider time) =>
            {
                RunStatsQuery query;
                try
                {
                    query = StatsQuery.Parse(context.Request.Query).ToRunStatsQuery(time.GetUtcNow());
                }
                catch (ArgumentException e)
                {
                    return ApiError.Result(StatusCodes.Status400BadRequest, e.Message);
                }

                var buckets = await inspector.GetRunStatsAsync(query, context.RequestAborted).ConfigureAwait(false);
                var points = buckets.Select(b => new StatsPoint(b.At, b.Started, b.Completed, b.Failed, b.Cancelled, b.QueueLagAvgMs, b.QueueLagMaxMs)).ToArray();
                return Results.Json(new StatsView(query.From, (int)query.Bucket.TotalMilliseconds, points), ApiJson.Options);
            })
            .WithName("Stats").WithTags("Dashboard")
            .WithSummary("Runs started, completed, failed and cancelled and queue lag per bucket, counted from the store (all nodes). Query: function, minutes (1-" + StatsQuery.MaxMinutes + ", default 60); one-minute buckets up to 2 hours, wider beyond.")
            .Produces<StatsView>().Produces<ApiError>(400);

        var index = DashboardIndex.Render(DashboardAssets.Embedded.Find("index.html")!, options.Dashboard.Links);
        var dashboard = root.MapGroup("/dashboard").ExcludeFromDescription();

        // Routing matches "/dashboard" and "/dashboard/" alike; the pages need the slash so their relative URLs resolve.
        dashboard.MapGet("", (HttpContext context) => context.Request.Path.Value?.EndsWith('/') == true
            ? Serve(context, options, index, "index.html")
            : Results.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString));
        dashboard.MapGet("/{**path}", (HttpContext context, string? path) => Serve(context, options, index, string.IsNullOrEmpty(path?.Trim('/')) ? "index.html" : path.TrimStart('/')));
    }

    private static IResult Serve(HttpContext context, BatonApiOptions options, DashboardAssets.Asset index, string path)
    {
        if (!options.AllowRemoteAccess && !AccessFilters.IsLoopback(context))
        {
            return ApiError.Result(StatusCodes.Status403Forbidden, "Baton serves only loopback clients; set AllowRemoteAccess to expose it");
        }

        if ((path == "index.html" ? index : DashboardAssets.Embedded.Find(path)) is not { } asset)
        {
            return ApiError.Result(StatusCodes.Status404NotFound, $"no dashboard file '{path}'");
        }

        var headers = context.Response.GetTypedHeaders();
        headers.ETag = new EntityTagHeaderValue(asset.ETag);

        // Revalidate every time: the files change whenever the package is upgraded.
        headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}

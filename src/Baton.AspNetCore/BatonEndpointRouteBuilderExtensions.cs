using Baton;
using Baton.AspNetCore;
using Baton.AspNetCore.Dashboard;
using Baton.AspNetCore.Endpoints;
using Baton.AspNetCore.Metrics;
using Baton.AspNetCore.Security;
using Baton.AspNetCore.Streaming;
using Baton.AspNetCore.Views;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Baton's HTTP surface into an ASP.NET Core app.</summary>
public static class BatonEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default: the root): <c>POST /e/{eventKey}</c> (event ingest),
    /// <c>/api/v1/...</c> (REST API), <c>GET /api/v1/stream</c> (live changes as Server-Sent Events),
    /// <c>GET /api/v1/openapi/baton.json</c>, <c>GET /metrics</c> (Prometheus) and the dashboard at <c>GET /dashboard/</c>
    /// (with its chart data, <c>GET /api/v1/stats</c>). Requires <c>AddBaton()</c> and
    /// <c>AddBatonApi()</c>. Local-only unless <see cref="BatonApiOptions.AllowRemoteAccess"/> is set.
    /// </summary>
    public static RouteGroupBuilder MapBaton(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (endpoints.ServiceProvider.GetService<PrometheusMetrics>() is null)
        {
            throw new InvalidOperationException("MapBaton() needs the Baton API services: call services.AddBatonApi() (and services.AddBaton()).");
        }

        var options = endpoints.ServiceProvider.GetRequiredService<BatonApiOptions>();
        options.Validate();
        var root = endpoints.MapGroup(prefix);
        IngestEndpoints.Map(root, options);

        var guarded = root.MapGroup("").AddEndpointFilter(async (context, next) =>
            await AccessFilters.CheckApiAsync(context.HttpContext, options).ConfigureAwait(false) ?? await next(context).ConfigureAwait(false));

        var api = guarded.MapGroup("/api/v1");
        ApiEndpoints.Map(api, options);
        DashboardEndpoints.Map(root, api, options);
        api.MapGet("/stream", (HttpContext context, CommittedChanges changes, ILoggerFactory loggers) =>
                ChangeStream.StreamAsync(context, changes, options, loggers.CreateLogger("Baton.AspNetCore")))
            .WithName("Stream").WithTags("Live")
            .WithSummary("Server-Sent Events: 'run' and 'step' changes committed by any node, in commit order. Query: run, function.")
            .Produces(200, contentType: "text/event-stream");
        api.MapOpenApi("/openapi/{documentName}.json").ExcludeFromDescription();

        guarded.MapGet("/metrics", (PrometheusMetrics metrics) => Results.Text(metrics.Render(), PrometheusMetrics.ContentType))
            .WithName("Metrics").WithTags("Metrics").Produces(200, contentType: "text/plain");
        return root;
    }
}

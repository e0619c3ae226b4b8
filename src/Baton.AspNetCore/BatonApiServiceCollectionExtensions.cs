using Baton.AspNetCore;
using Baton.AspNetCore.Alerts;
using Baton.AspNetCore.Metrics;
using Baton.AspNetCore.Replay;
using Baton.AspNetCore.Streaming;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Baton's HTTP surface; map it with <c>app.MapBaton()</c>.</summary>
public static class BatonApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>MapBaton()</c> serves: options (<see cref="BatonApiOptions"/>), the function that carries out bulk replays (<c>baton/bulk-replay</c>), the
    /// store change-feed reader of the live stream, the Prometheus collector, failure alerts and the OpenAPI document <c>baton</c>. Call <c>AddBaton()</c> as well.
    /// Calling it again only applies <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddBatonApi(this IServiceCollection services, Action<BatonApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(PrometheusMetrics)))
        {
            return services;
        }

        services.AddOptions<BatonApiOptions>().Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BatonApiOptions>>().Value);
        services.AddSingleton<PrometheusMetrics>();
        services.AddBaton(BulkReplayFunction.Register);
        services.AddSingleton<ReplayJobs>();
        services.AddSingleton<CommittedChanges>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<CommittedChanges>());
        services.AddSingleton<AlertMonitor>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AlertMonitor>());
        services.AddOpenApi("baton");
        return services;
    }
}

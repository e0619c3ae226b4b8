using Baton.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Exports Baton's spans and metrics over OTLP.</summary>
public static class BatonOpenTelemetryExtensions
{
    /// <summary>
    /// Exports Baton's traces (activity source <c>Baton</c>: one span per run execution and per step) and metrics (meter
    /// <c>Baton</c>) with the OpenTelemetry SDK's OTLP exporter. <paramref name="configure"/> sets the endpoint and protocol
    /// (default: the <c>OTEL_EXPORTER_OTLP_*</c> environment variables, else gRPC to localhost:4317). Host apps that already
    /// configure OpenTelemetry can instead add the source and meter named <see cref="BatonDiagnostics.Name"/> themselves.
    /// </summary>
    public static IServiceCollection AddBatonOtlpExport(this IServiceCollection services, Action<OtlpExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(BatonDiagnostics.Name).AddOtlpExporter(o => configure?.Invoke(o)))
            .WithMetrics(metrics => metrics.AddMeter(BatonDiagnostics.Name).AddOtlpExporter(o => configure?.Invoke(o)));
        return services;
    }
}

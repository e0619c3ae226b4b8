using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;

namespace Baton.AspNetCore.Tests;

[Collection(nameof(MetricsCollection))]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task AddBatonOtlpExport_RunSpansReachTheCollector()
    {
        var received = Channel.CreateUnbounded<(string Path, string ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var collector = builder.Build();
        collector.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Writer.TryWrite((context.Request.Path.Value ?? "", context.Request.ContentType ?? "", body.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();
        var address = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using (var app = await ApiApp.StartAsync(baton: b => b.Services.AddBatonOtlpExport(o =>
        {
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.Endpoint = new Uri(new Uri(address), "/v1/traces");
            o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 100;
        })))
        {
            var ids = await app.IngestAsync(new { name = "test/greet" });
            await app.WaitForRunOfEventAsync(ids[0], r => r.Status == RunStatus.Completed);

            // The exporter sends its batch within its schedule (100 ms); wait for the one that holds the run's span.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                var (path, contentType, body) = await received.Reader.ReadAsync(timeout.Token);
                var text = Encoding.UTF8.GetString(body);
                if (text.Contains("baton.run", StringComparison.Ordinal) && text.Contains("greet", StringComparison.Ordinal))
                {
                    Assert.Equal("/v1/traces", path);
                    Assert.Equal("application/x-protobuf", contentType);
                    break;
                }
            }
        }
    }
}

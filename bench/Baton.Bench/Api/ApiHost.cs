using Baton.Bench.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Bench.Api;

/// <summary>
/// An ASP.NET Core app as a user would run it (Kestrel on loopback, <c>AddBaton().UseSqlite(...)</c>,
/// <c>AddBatonApi()</c>, <c>MapBaton()</c>) on a fresh SQLite file, with one HTTP client pointed at it.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _directory;

    private ApiHost(WebApplication app, TempDirectory directory, Uri address)
    {
        _app = app;
        _directory = directory;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(1) };
    }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ApiHost> StartAsync(ScenarioContext context, Action<BatonBuilder> functions)
    {
        var directory = TempDirectory.Create(context.Scenario);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var baton = builder.Services.AddBaton().UseSqlite(directory.File("baton.db"));
            baton.Configure(Core.BatonBench.Defaults);
            functions(baton);
            builder.Services.AddBatonApi();
            var app = builder.Build();
            app.MapBaton();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ApiHost(app, directory, new Uri(address));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        finally
        {
            _directory.Dispose();
        }
    }
}

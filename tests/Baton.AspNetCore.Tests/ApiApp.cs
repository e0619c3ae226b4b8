using Baton.TestSupport;
using System.Net.Http.Json;
using System.Text.Json;
using Baton.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Baton.AspNetCore.Tests;

/// <summary>
/// A real ASP.NET Core app on Kestrel at 127.0.0.1 (a free port), with Baton on a temporary SQLite file and a fake
/// clock, plus an HTTP client pointed at it. Waits go through Baton's change feed, never through sleeps.
/// </summary>
public sealed class ApiApp : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;
    private readonly string? _database;

    private ApiApp(WebApplication app, FakeTimeProvider time, string? database, Uri address)
    {
        _app = app;
        Time = time;
        _database = database;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public IBatonInspector Inspector => Services.GetRequiredService<IBatonInspector>();

    public IBatonClient Client => Services.GetRequiredService<IBatonClient>();

    public ChangeFeed Changes => Services.GetRequiredService<ChangeFeed>();

    /// <summary>Starts the app with the standard test functions (see <see cref="AddTestFunctions"/>) and any extra setup.</summary>
    /// <param name="database">The SQLite file, to share one store between apps (default: a new temporary file, deleted on dispose; a given one is left to the caller).</param>
    public static async Task<ApiApp> StartAsync(Action<BatonApiOptions>? api = null, Action<BatonBuilder>? baton = null, Action<WebApplication>? map = null, string? database = null)
    {
        var owned = database is null;
        database ??= NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var time = new FakeTimeProvider(Start);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        var batonBuilder = builder.Services.AddBaton(b => b.UseSqlite(database));
        AddTestFunctions(batonBuilder);
        baton?.Invoke(batonBuilder);
        builder.Services.AddBatonApi(api);
        var app = builder.Build();
        app.MapBaton();
        map?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiApp(app, time, owned ? database : null, new Uri(address));
    }

    /// <summary>A new temporary SQLite file name (deleted when an app on it is disposed).</summary>
    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "baton-api-tests", Guid.NewGuid().ToString("N") + ".db");

    /// <summary>
    /// <c>greet</c> (test/greet): steps <c>a</c>, <c>b</c>, returns the name. <c>fail</c> (test/fail): fails at once.
    /// <c>flaky</c> (test/flaky): fails when <c>data.fail</c> is true.
    /// <c>sleepy</c> (test/sleep): sleeps an hour in step <c>nap</c>.
    /// </summary>
    public static void AddTestFunctions(BatonBuilder baton)
    {
        baton.AddFunction<JsonElement, string>("greet", f => f.OnEvent("test/greet"), async ctx =>
        {
            var a = await ctx.Step.Run("a", () => Task.FromResult(1));
            var b = await ctx.Step.Run("b", () => Task.FromResult(a + 1));
            return "hello " + (ctx.Event.Data.TryGetProperty("name", out var name) ? name.GetString() : "?") + " " + b;
        });
        baton.AddFunction<JsonElement>("fail", f => f.OnEvent("test/fail").Retries(0), _ => throw new NonRetriableException("boom"));
        baton.AddFunction<JsonElement>("flaky", f => f.OnEvent("test/flaky").Retries(0), ctx =>
            ctx.Event.Data.TryGetProperty("fail", out var fail) && fail.GetBoolean() ? throw new NonRetriableException("flaked") : Task.CompletedTask);
        baton.AddFunction<JsonElement>("sleepy", f => f.OnEvent("test/sleep"), async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromHours(1)));
    }

    /// <summary>Moves the fake clock forward and wakes the worker, which may have armed its poll timer just before the jump.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Services.GetRequiredService<Baton.Execution.BatonEngine>().WorkAvailable.Set();
    }

    /// <summary>Posts <paramref name="body"/> (raw JSON text) to <paramref name="path"/>.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string path, string body)
        => Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends events through the ingest endpoint and returns their ids.</summary>
    public Task<string[]> IngestAsync(params object[] events) => ApiTestCalls.IngestAsync(Http, events);

    /// <summary>Waits until <paramref name="condition"/> holds for the run with this event, re-checking on each committed change.</summary>
    public Task<RunInfo> WaitForRunOfEventAsync(string eventId, Func<RunInfo, bool> condition) => ApiTestCalls.WaitForRunOfEventAsync(Changes, Inspector, eventId, condition);

    public Task<RunInfo> WaitForRunAsync(string runId, Func<RunInfo, bool> condition) => WaitAsync(runId, condition);

    public Task<RunInfo> WaitForFinishAsync(string runId) => WaitAsync(runId, r => r.FinishedAt is not null);

    /// <summary>A snapshot of everything stored (runs and events) to prove a refused request changed nothing.</summary>
    public async Task<string> SnapshotAsync()
    {
        var runs = await Inspector.ListRunsAsync(new RunQuery { Limit = 1000 });
        var events = await Inspector.ListEventsAsync(new EventQuery { Limit = 1000 });
        return JsonSerializer.Serialize(new { runs = runs.Items, events = events.Items.Select(e => new { e.Event.Id, e.RunIds, e.Skips }) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_database is not null)
        {
            DeleteDatabase(_database);
        }
    }

    /// <summary>Deletes a SQLite file and its WAL files (one still held open is left to the temp cleaner).</summary>
    public static void DeleteDatabase(string database)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(database + suffix);
            }
            catch (IOException)
            {
                // A file still held open is left to the temp cleaner.
            }
        }
    }

    private async Task<RunInfo> WaitAsync(string runId, Func<RunInfo, bool> condition)
    {
        var signal = new SemaphoreSlim(0);
        using var subscription = Changes.Subscribe(c =>
        {
            if (c.RunId == runId)
            {
                signal.Release();
            }
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await Inspector.GetRunAsync(runId) is { } run && condition(run))
            {
                return run;
            }

            await signal.WaitAsync(timeout.Token);
        }
    }
}

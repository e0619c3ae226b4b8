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

namespace Baton.Dashboard.Tests;

/// <summary>
/// A real app on Kestrel at 127.0.0.1 (a free port) with Baton on a temporary SQLite file, the API and the dashboard.
/// Its functions let a test hold a step open (<see cref="Gate"/>) and decide whether <c>flaky</c> fails.
/// </summary>
public sealed class DashboardApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _database;

    private DashboardApp(WebApplication app, string database, Uri address, TestSwitches switches)
    {
        _app = app;
        _database = database;
        Address = address;
        Switches = switches;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public Uri Dashboard => new(Address, "/dashboard/");

    public HttpClient Http { get; }

    public TestSwitches Switches { get; }

    public IBatonInspector Inspector => _app.Services.GetRequiredService<IBatonInspector>();

    public ChangeFeed Changes => _app.Services.GetRequiredService<ChangeFeed>();

    public static async Task<DashboardApp> StartAsync(Action<BatonApiOptions>? api = null)
    {
        var database = Path.Combine(Path.GetTempPath(), "baton-dashboard-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var switches = new TestSwitches();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var baton = builder.Services.AddBaton(b => b.UseSqlite(database));
        AddFunctions(baton, switches);
        builder.Services.AddBatonApi(o =>
        {
            o.ReplaysPerSecond = 1000;
            api?.Invoke(o);
        });
        var app = builder.Build();
        app.MapBaton();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardApp(app, database, new Uri(address), switches);
    }

    /// <summary>
    /// <c>greet</c> (test/greet): steps a, b. <c>stepper</c> (test/stepper): step one, then step two waits for
    /// <see cref="TestSwitches.Gate"/>, then step three. <c>charge</c> (shop/charge): step charge-card fails for good with
    /// "card declined" (after logging a warning). <c>flaky</c> (test/flaky): step call fails while <see cref="TestSwitches.FlakyFails"/> is set.
    /// <c>market</c> (shop/market): steps <c>quote</c> and <c>record</c>, under a concurrency limit keyed by <c>data.market</c>
    /// (so its runs are always created Queued and claimed: flow-controlled runs are never leased at ingest).
    /// </summary>
    private static void AddFunctions(BatonBuilder baton, TestSwitches switches)
    {
        baton.AddFunction<JsonElement, string>("greet", f => f.OnEvent("test/greet"), async ctx =>
        {
            var a = await ctx.Step.Run("a", () => Task.FromResult(1));
            var b = await ctx.Step.Run("b", () => Task.FromResult(a + 1));
            ctx.Progress.Report(2, 2, "greeted");
            return "hello " + (ctx.Event.Data.TryGetProperty("name", out var name) ? name.GetString() : "?") + " " + b;
        });
        baton.AddFunction<JsonElement, int>("stepper", f => f.OnEvent("test/stepper"), async ctx =>
        {
            var one = await ctx.Step.Run("one", () => Task.FromResult(1));
            var two = await ctx.Step.Run("two", async () => await switches.Gate.Task + one);
            return await ctx.Step.Run("three", () => Task.FromResult(two + 1));
        });
        baton.AddFunction<JsonElement, string>("charge", f => f.OnEvent("shop/charge").Retries(0), async ctx =>
            await ctx.Step.Run<string>("charge-card", () =>
            {
                ctx.Logger.LogWarning("card {Card} declined by the bank", "4242");
                throw new NonRetriableException("card declined");
            }));
        baton.AddFunction<JsonElement, string>("flaky", f => f.OnEvent("test/flaky").Retries(0), async ctx =>
            await ctx.Step.Run("call", () => switches.FlakyFails ? throw new NonRetriableException("upstream down") : Task.FromResult("ok")));
        baton.AddFunction<JsonElement, int>("market", f => f.OnEvent("shop/market").Concurrency(2, key: "event.data.market"), async ctx =>
        {
            var quote = await ctx.Step.Run("quote", () => Task.FromResult(1));
            return await ctx.Step.Run("record", () => Task.FromResult(quote + 1));
        });
    }

    /// <summary>Sends events through the ingest endpoint and returns their ids.</summary>
    public Task<string[]> IngestAsync(params object[] events) => ApiTestCalls.IngestAsync(Http, events);

    /// <summary>The run started by an event, once <paramref name="condition"/> holds (re-checked on each committed change).</summary>
    public Task<RunInfo> WaitForRunOfEventAsync(string eventId, Func<RunInfo, bool> condition) => ApiTestCalls.WaitForRunOfEventAsync(Changes, Inspector, eventId, condition);

    public async Task<IReadOnlyList<RunInfo>> RunsAsync(string functionId, params RunStatus[] statuses)
        => (await Inspector.ListRunsAsync(new RunQuery { FunctionId = functionId, Statuses = statuses.Length == 0 ? null : statuses, Limit = 1000 })).Items;

    public async ValueTask DisposeAsync()
    {
        Switches.Gate.TrySetResult(0);
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(_database + suffix);
            }
            catch (IOException)
            {
                // A file still held open is left to the temp cleaner.
            }
        }
    }

    /// <summary>What the test functions do, decided by the test.</summary>
    public sealed class TestSwitches
    {
        public TaskCompletionSource<int> Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool FlakyFails = true;
    }
}

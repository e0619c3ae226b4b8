using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Testing;

/// <summary>
/// An in-process Baton host for tests: a real SQLite file, a worker, and a <see cref="FakeTimeProvider"/>
/// so sleeps, timeouts and retries fire when the test advances time, never by waiting. Waits on run
/// outcomes are driven by Baton's change feed, not by polling.
/// </summary>
public sealed class BatonTestHost : IAsyncDisposable
{
    /// <summary>Start time of the fake clock unless given: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly IHost _host;
    private readonly bool _ownsDatabase;
    private readonly Execution.BatonEngine _engine;
    private readonly Hosting.BatonWorker _worker;

    private BatonTestHost(IHost host, FakeTimeProvider time, string databasePath, bool ownsDatabase)
    {
        _host = host;
        Time = time;
        DatabasePath = databasePath;
        _ownsDatabase = ownsDatabase;
        Client = host.Services.GetRequiredService<IBatonClient>();
        Inspector = host.Services.GetRequiredService<IBatonInspector>();
        Changes = host.Services.GetRequiredService<ChangeFeed>();
        _engine = host.Services.GetRequiredService<Execution.BatonEngine>();
        _worker = host.Services.GetRequiredService<Hosting.BatonWorker>();
    }

    /// <summary>The fake clock every Baton component uses.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Sends events and cancels runs.</summary>
    public IBatonClient Client { get; }

    /// <summary>Reads runs, steps and events.</summary>
    public IBatonInspector Inspector { get; }

    /// <summary>Committed changes, as they happen.</summary>
    public ChangeFeed Changes { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// When set, gives the store of every host started without an explicit <c>useStore</c> (called once per host,
    /// so each can get its own database or schema). Lets one test suite run against several providers.
    /// Default is null: SQLite on a temporary file.
    /// </summary>
    public static Func<Action<BatonBuilder>>? DefaultStore { get; set; }

    /// <summary>This host's worker id (<see cref="BatonOptions.WorkerId"/>).</summary>
    public string WorkerId => _engine.Options.WorkerId;

    /// <summary>Whether this host's worker is the leader now: the one that fires cron ticks and prunes history.</summary>
    public bool IsLeader => _worker.Election.IsLeader;

    /// <summary>Default time a wait helper waits before it fails the test (real time). Default is 30 seconds.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts a host. <paramref name="configure"/> adds functions (and options). The store is
    /// <paramref name="useStore"/> when given (e.g. <c>b =&gt; b.UsePostgres(...)</c>), otherwise SQLite on
    /// <paramref name="databasePath"/> (default: a new temporary file, deleted on dispose).
    /// </summary>
    public static async Task<BatonTestHost> StartAsync(
        Action<BatonBuilder> configure,
        Action<IServiceCollection>? services = null,
        string? databasePath = null,
        DateTimeOffset? start = null,
        FakeTimeProvider? time = null,
        Action<BatonBuilder>? useStore = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        useStore ??= databasePath is null ? DefaultStore?.Invoke() : null;
        var ownsDatabase = databasePath is null && useStore is null;
        databasePath ??= Path.Combine(Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N") + ".db");
        time ??= new FakeTimeProvider(start ?? DefaultStart);
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(time);
        var baton = builder.Services.AddBaton();
        if (useStore is null)
        {
            baton.UseSqlite(databasePath);
        }
        else
        {
            useStore(baton);
        }

        baton.Configure(o => o.ShutdownGracePeriod = TimeSpan.FromSeconds(5));
        configure(baton);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return new BatonTestHost(host, time, databasePath, ownsDatabase);
    }

    /// <summary>Sends one event and returns its id.</summary>
    public Task<string> SendAsync(string name, object? data = null, string? id = null)
        => Client.SendAsync(new EventMessage(name, data) { Id = id });

    /// <summary>Moves the fake clock forward, firing due sleeps, timeouts, retries and polls.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);

        // The worker may have armed its poll timer from a reading taken just before the jump, which would make
        // it fire late by the whole jump; wake it so it looks for due runs at the new time.
        _engine.WorkAvailable.Set();
    }

    /// <summary>
    /// Waits until this host leads (<paramref name="leader"/> true) or has stepped down with its leader work stopped
    /// (false). Elections happen on the fake clock: a follower looks again every third of the leader lease.
    /// </summary>
    public async Task WaitForLeadershipAsync(bool leader = true)
    {
        using var timeout = new CancellationTokenSource(WaitTimeout);
        while (true)
        {
            var changed = _worker.Election.Changed;
            if (IsLeader == leader)
            {
                return;
            }

            try
            {
                await changed.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Worker {WorkerId} did not {(leader ? "become the leader" : "step down")} within {WaitTimeout}");
            }
        }
    }

    /// <summary>Waits until the run finishes (completed, failed or cancelled) and returns it.</summary>
    public Task<RunInfo> WaitForRunAsync(string runId) => WaitForRunAsync(runId, r => r.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled);

    /// <summary>Waits until the run is in <paramref name="status"/>.</summary>
    public Task<RunInfo> WaitForStatusAsync(string runId, RunStatus status) => WaitForRunAsync(runId, r => r.Status == status);

    /// <summary>Waits until <paramref name="condition"/> holds for the run, re-checking after each committed change of it.</summary>
    public async Task<RunInfo> WaitForRunAsync(string runId, Func<RunInfo, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var signal = new SemaphoreSlim(0);
        using var subscription = Changes.Subscribe(c =>
        {
            if (c.RunId == runId)
            {
                signal.Release();
            }
        });
        using var timeout = new CancellationTokenSource(WaitTimeout);
        RunInfo? run = null;
        try
        {
            while (true)
            {
                run = await Inspector.GetRunAsync(runId).ConfigureAwait(false);
                if (run is not null && condition(run))
                {
                    return run;
                }

                await signal.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Run {runId} did not reach the expected state within {WaitTimeout}; it is {run?.Status.ToString() ?? "missing"}");
        }
    }

    /// <summary>Waits until an event has created a run of <paramref name="functionId"/> (or of any function) and returns the run's id.</summary>
    public async Task<string> WaitForRunOfEventAsync(string eventId, string? functionId = null)
    {
        var signal = new SemaphoreSlim(0);
        using var subscription = Changes.Subscribe(c =>
        {
            if (c is RunChange)
            {
                signal.Release();
            }
        });
        using var timeout = new CancellationTokenSource(WaitTimeout);
        try
        {
            while (true)
            {
                var page = await Inspector.ListRunsAsync(new RunQuery { FunctionId = functionId, Limit = 1000 }).ConfigureAwait(false);
                var run = page.Items.FirstOrDefault(r => r.EventId == eventId);
                if (run is not null)
                {
                    return run.Id;
                }

                await signal.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No run of {functionId ?? "any function"} was created for event {eventId} within {WaitTimeout}");
        }
    }

    /// <summary>Sends an event and waits for the run it creates to finish.</summary>
    public async Task<RunInfo> SendAndWaitAsync(string name, object? data = null, string? functionId = null)
    {
        var eventId = await SendAsync(name, data).ConfigureAwait(false);
        var runId = await WaitForRunOfEventAsync(eventId, functionId).ConfigureAwait(false);
        return await WaitForRunAsync(runId).ConfigureAwait(false);
    }

    /// <summary>The run's steps with their attempts.</summary>
    public Task<IReadOnlyList<StepInfo>> StepsAsync(string runId) => Inspector.GetStepsAsync(runId);

    /// <summary>Stops the worker (gracefully) and deletes the temporary database.</summary>
    public async ValueTask DisposeAsync()
    {
        // The fake clock never ends the grace period by itself; bound the stop in real time.
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _host.StopAsync(stop.Token).ConfigureAwait(false);
        }

        if (_host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
        if (_ownsDatabase)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(DatabasePath + suffix);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}

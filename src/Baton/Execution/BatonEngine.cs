using Baton.Functions;
using Baton.Internal;
using Baton.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Baton.Execution;

/// <summary>The engine's shared state in one process: store, group-commit writer, functions, router, clock and change feed.</summary>
internal sealed class BatonEngine : IAsyncDisposable
{
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private volatile bool _started;

    public BatonEngine(IBatonStore store, FunctionRegistry registry, IOptions<BatonOptions> options, TimeProvider time, ILoggerFactory loggers, IServiceProvider services)
    {
        Store = store;
        Registry = registry;
        Options = options.Value;
        Options.Validate();
        Time = time;
        Services = services;
        Router = new EventRouter(registry);
        Logger = loggers.CreateLogger("Baton");
        RunLogger = loggers.CreateLogger("Baton.Run");
        Writer = new RunWriter(store, Options.MaxWriteBatch, Logger, WorkAvailable.Set);
    }

    public IBatonStore Store { get; }

    public FunctionRegistry Registry { get; }

    public BatonOptions Options { get; }

    public TimeProvider Time { get; }

    public IServiceProvider Services { get; }

    public EventRouter Router { get; }

    public RunWriter Writer { get; }

    public ILogger Logger { get; }

    public ILogger RunLogger { get; }

    public ChangeFeed Changes { get; } = new();

    /// <summary>Set after every commit: there may be new due work.</summary>
    public AsyncSignal WorkAvailable { get; } = new();

    public async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_started)
            {
                await Store.InitializeAsync(cancellationToken).ConfigureAwait(false);
                Writer.Start();
                _started = true;
            }
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Validates events and turns them into records; throws <see cref="InvalidEventException"/> before anything is stored.</summary>
    public EventRecord[] ToRecords(IReadOnlyList<EventMessage> events, DateTimeOffset now)
    {
        var records = new EventRecord[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var message = events[i] ?? throw new InvalidEventException($"event #{i} is null", i);
            if (EventValidation.CheckName(message.Name) is { } nameProblem)
            {
                throw new InvalidEventException($"event #{i}: {nameProblem}", i);
            }

            if (EventValidation.CheckId(message.Id) is { } idProblem)
            {
                throw new InvalidEventException($"event #{i}: {idProblem}", i);
            }

            string data;
            try
            {
                data = message.Data switch
                {
                    null => "{}",
                    System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Undefined } => "{}",
                    System.Text.Json.JsonElement element => element.GetRawText(),
                    _ => BatonJson.ToElement(message.Data).GetRawText(),
                };
            }
            catch (Exception e) when (e is NotSupportedException or System.Text.Json.JsonException or InvalidOperationException)
            {
                throw new InvalidEventException($"event #{i} ('{message.Name}'): data cannot be serialized to JSON: {e.Message}", i);
            }

            records[i] = new EventRecord(message.Id ?? Ulid.New(now), message.Name, data, message.Timestamp ?? now);
        }

        return records;
    }

    public async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<EventMessage> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var now = Time.GetUtcNow();
        var records = ToRecords(events, now);
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        await Writer.IngestAsync(new IngestCommand(records, Router, now, Options.EventDedupeWindow), PublishIngested).ConfigureAwait(false);
        return records.Select(r => r.Id).ToArray();
    }

    /// <summary>Publishes what an ingest did: runs created, and runs cancelled by cancel-on events.</summary>
    public void PublishIngested(IngestResult result)
    {
        foreach (var run in result.RunsCreated)
        {
            Changes.Publish(new RunChange(run.RunId, run.FunctionId, RunStatus.Queued));
        }

        foreach (var run in result.RunsCancelled)
        {
            Telemetry.BatonDiagnostics.RunFinished(run.FunctionId, RunStatus.Cancelled);
            Changes.Publish(new RunChange(run.RunId, run.FunctionId, RunStatus.Cancelled));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        _startLock.Dispose();
    }
}

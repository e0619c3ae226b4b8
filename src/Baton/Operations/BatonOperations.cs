using Baton.Execution;
using Baton.Functions;
using Baton.Internal;
using Baton.Storage;

namespace Baton.Operations;

/// <summary>The in-process <see cref="IBatonOperations"/>.</summary>
internal sealed partial class BatonOperations(BatonEngine engine) : IBatonOperations
{
    private const int ResumePage = 500;

    public async Task<IReadOnlyList<FunctionInfo>> ListFunctionsAsync(CancellationToken cancellationToken = default)
    {
        var paused = await PausedAsync(cancellationToken).ConfigureAwait(false);
        return engine.Registry.All.OrderBy(f => f.Id, StringComparer.Ordinal).Select(f => Describe(f, paused)).ToArray();
    }

    public async Task<FunctionInfo?> GetFunctionAsync(string functionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionId);
        if (engine.Registry.Find(functionId) is not { } function)
        {
            return null;
        }

        return Describe(function, await PausedAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<bool> PauseFunctionAsync(string functionId, CancellationToken cancellationToken = default)
    {
        var function = Require(functionId);
        await engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await engine.Store.PauseFunctionAsync(new PauseFunctionCommand(function.Id, engine.Time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    public async Task<ResumeResult> ResumeFunctionAsync(string functionId, bool replaySkipped, CancellationToken cancellationToken = default)
    {
        var function = Require(functionId);
        await engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        if (await engine.Store.ResumeFunctionAsync(function.Id, cancellationToken).ConfigureAwait(false) is not { } pausedAt)
        {
            return new ResumeResult(false, []);
        }

        if (!replaySkipped)
        {
            return new ResumeResult(true, []);
        }

        var skipped = new List<BatonEvent>();
        string? cursor = null;
        do
        {
            var page = await engine.Store.ListEventsAsync(new EventQuery { ReceivedFrom = pausedAt, Limit = ResumePage, Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            skipped.AddRange(page.Items
                .Where(e => e.Skips.Any(s => s.FunctionId == function.Id && s.Reason == FunctionPauses.PausedReason))
                .Select(e => e.Event));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        // Pages come newest first; start the oldest skipped event first.
        skipped.Reverse();
        var runIds = skipped.Count == 0 ? [] : await StartRunsAsync(function, skipped).ConfigureAwait(false);
        return new ResumeResult(true, runIds);
    }

    public async Task<string> ReplayRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        var (run, function) = await ReplayableAsync(runId, cancellationToken).ConfigureAwait(false);
        var ids = await StartRunsAsync(function, [run.Events[0]]).ConfigureAwait(false);
        return ids[0];
    }

    /// <summary>The run and its function, checked as <see cref="ReplayRunAsync(string, CancellationToken)"/> says.</summary>
    private async Task<(RunInfo Run, FunctionDefinition Function)> ReplayableAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var run = await engine.Store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        var function = Require(run.FunctionId);
        if ((await PausedAsync(cancellationToken).ConfigureAwait(false)).ContainsKey(function.Id))
        {
            throw new FunctionPausedException(function.Id);
        }

        if (run.Events.Count == 0)
        {
            throw new RunNotReplayableException(runId, "it has no trigger event");
        }

        return (run, function);
    }

    /// <summary>Stores a copy of each event under a new <c>replay-</c> id with one planned run of <paramref name="function"/> each.</summary>
    private async Task<IReadOnlyList<string>> StartRunsAsync(FunctionDefinition function, IReadOnlyList<BatonEvent> events, string? eventId = null)
    {
        var now = engine.Time.GetUtcNow();
        var records = events.Select(e => new EventRecord(eventId ?? "replay-" + Ulid.New(now), e.Name, e.Data.GetRawText(), e.Timestamp)).ToArray();
        var result = await engine.Writer.IngestAsync(
            new IngestCommand(records, new SingleRunPlanner(function.Id, function.CancelOns), now, engine.Options.EventDedupeWindow),
            engine.PublishIngested).ConfigureAwait(false);
        return result.RunsCreated.Select(r => r.RunId).ToArray();
    }

    private FunctionDefinition Require(string functionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionId);
        return engine.Registry.Find(functionId) ?? throw new FunctionNotFoundException(functionId);
    }

    private async Task<IReadOnlyDictionary<string, DateTimeOffset>> PausedAsync(CancellationToken cancellationToken)
    {
        await engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await engine.Store.GetPausedFunctionsAsync(cancellationToken).ConfigureAwait(false);
    }

    private static FunctionInfo Describe(FunctionDefinition f, IReadOnlyDictionary<string, DateTimeOffset> paused) => new()
    {
        Id = f.Id,
        Name = f.Name,
        Events = f.EventTriggers.Select(t => new EventTrigger(t.Event, t.Filter?.Text)).ToArray(),
        Crons = f.CronTriggers.Select(c => new CronTrigger(c.Schedule, c.Zone.Id)).ToArray(),
        Retry = f.Retry,
        StepTimeout = f.StepTimeout,
        StartTimeout = f.StartTimeout,
        FinishTimeout = f.FinishTimeout,
        Idempotency = f.Idempotency?.Text,
        CancelOn = f.CancelOns.Select(c => new CancelOn(c.Event, null, c.Condition.Text, c.Window)).ToArray(),
        FailureHandlerId = f.FailureHandler?.Id,
        PausedAt = paused.TryGetValue(f.Id, out var at) ? at : null,
        FlowRules = DescribeFlow(f),
    };

    private static Dictionary<string, object> DescribeFlow(FunctionDefinition f)
    {
        var rules = new Dictionary<string, object>(StringComparer.Ordinal);
        if (f.Flow is { } flow)
        {
            if (flow.Concurrency.Count > 0)
            {
                rules["concurrency"] = flow.Concurrency.Select(c => new { limit = c.Limit, key = c.Key?.Text, scope = c.Scope.ToString() }).ToArray();
            }

            if (flow.Throttle is { } t)
            {
                rules["throttle"] = new { limit = t.Limit, periodMs = (long)t.Period.TotalMilliseconds, burst = t.Burst, key = t.Key?.Text };
            }

            if (flow.Priority is { } priority)
            {
                rules["priority"] = priority.Text;
            }
        }

        if (f.Ingest is { } ingest)
        {
            if (ingest.RateLimit is { } r)
            {
                rules["rateLimit"] = new { limit = r.Limit, periodMs = (long)r.Period.TotalMilliseconds, key = r.Key.Expression?.Text };
            }

            if (ingest.Debounce is { } d)
            {
                rules["debounce"] = new { periodMs = (long)d.Period.TotalMilliseconds, timeoutMs = (long?)d.Timeout?.TotalMilliseconds, key = d.Key.Expression?.Text };
            }

            if (ingest.Batch is { } b)
            {
                rules["batch"] = new { maxSize = b.MaxSize, timeoutMs = (long)b.Timeout.TotalMilliseconds, key = b.Key.Expression?.Text };
            }

            if (ingest.Singleton is { } s)
            {
                rules["singleton"] = new { mode = s.Mode.ToString(), key = s.Key.Expression?.Text };
            }
        }

        return rules;
    }
}

using Baton.Execution;

namespace Baton;

/// <summary>Options of one <c>step.Run</c>.</summary>
public sealed record StepOptions
{
    /// <summary>Time allowed for one attempt. Default is the function's step timeout (none unless set).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Retries of this step. Default is the function's retry policy.</summary>
    public int? Retries { get; init; }

    /// <summary>
    /// The declared resource budget the step draws on (see <c>BatonBuilder.AddResource</c>), or null. Default is null.
    /// The step waits durably for capacity before its body runs; an undeclared name fails the step at the call.
    /// </summary>
    public string? Resource { get; init; }

    /// <summary>Units of <see cref="Resource"/> one attempt uses. Default is 1.</summary>
    public int Cost { get; init; } = 1;
}

/// <summary>
/// Durable steps of a run (<c>context.Step</c>). Each step's outcome is recorded once and returned from the
/// record on replay. Step names: 1–200 characters, no <c>#</c>, no control characters; a name used again is
/// its next occurrence (<c>name#2</c>, …).
/// </summary>
public sealed class StepTools
{
    private readonly RunExecution _execution;

    internal StepTools(RunExecution execution)
    {
        _execution = execution;
    }

    /// <summary>
    /// Runs <paramref name="work"/> once and memoizes its JSON-serialized result; retried with backoff on failure.
    /// With <paramref name="resource"/> (or <see cref="StepOptions.Resource"/>), each attempt first takes
    /// <paramref name="cost"/> units of that declared budget, waiting durably for them; a body that throws
    /// <see cref="ResourceExhaustedException"/> (or an <see cref="HttpRequestException"/> with status 429) pauses the
    /// resource for everyone and tries again when it resumes, without using up a retry.
    /// </summary>
    public Task<T> Run<T>(string name, Func<CancellationToken, Task<T>> work, StepOptions? options = null, string? resource = null, int? cost = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _execution.RunStepAsync(name, work, WithResource(options, resource, cost));
    }

    /// <summary>Runs <paramref name="work"/> once and memoizes its result (resources as in <see cref="Run{T}(string, Func{CancellationToken, Task{T}}, StepOptions?, string?, int?)"/>).</summary>
    public Task<T> Run<T>(string name, Func<Task<T>> work, StepOptions? options = null, string? resource = null, int? cost = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _execution.RunStepAsync(name, _ => work(), WithResource(options, resource, cost));
    }

    /// <summary>Runs <paramref name="work"/> once (no result).</summary>
    public Task Run(string name, Func<CancellationToken, Task> work, StepOptions? options = null, string? resource = null, int? cost = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _execution.RunStepAsync<object?>(name, async token =>
        {
            await work(token).ConfigureAwait(false);
            return null;
        }, WithResource(options, resource, cost));
    }

    /// <summary>Runs <paramref name="work"/> once (no result).</summary>
    public Task Run(string name, Func<Task> work, StepOptions? options = null, string? resource = null, int? cost = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Run(name, _ => work(), options, resource, cost);
    }

    /// <summary>Sleeps durably for <paramref name="duration"/> (at most one year). A sleeping run holds no thread, lease or memory.</summary>
    public Task Sleep(string name, TimeSpan duration) => _execution.SleepAsync(name, duration, until: null);

    /// <summary>Sleeps durably until <paramref name="until"/> (at most one year ahead).</summary>
    public Task SleepUntil(string name, DateTimeOffset until) => _execution.SleepAsync(name, null, until);

    /// <summary>
    /// Waits for the first event named <paramref name="eventName"/> received after this wait is registered that
    /// matches: <paramref name="match"/> is a field path equal on the trigger and the new event (e.g. <c>data.orderId</c>);
    /// <paramref name="if"/> is an expression over <c>event</c> (trigger) and <c>async</c> (new event). Returns null on timeout.
    /// </summary>
    public Task<BatonEvent?> WaitForEvent(string name, string eventName, TimeSpan timeout, string? match = null, string? @if = null)
        => _execution.WaitForEventAsync(name, eventName, timeout, match, @if);

    /// <summary>Runs function <paramref name="functionId"/> as its own run with <paramref name="payload"/> as event data, and returns its result (or throws <see cref="StepFailedException"/> with its failure).</summary>
    public Task<T?> Invoke<T>(string name, string functionId, object? payload = null, TimeSpan? timeout = null)
        => _execution.InvokeAsync<T>(name, functionId, payload, timeout);

    /// <summary>Runs function <paramref name="functionId"/> and waits for it to finish.</summary>
    public Task Invoke(string name, string functionId, object? payload = null, TimeSpan? timeout = null)
        => _execution.InvokeAsync<object>(name, functionId, payload, timeout);

    /// <summary>Sends events, once: on replay the recorded ids are returned and nothing is sent again.</summary>
    public Task<IReadOnlyList<string>> SendEvent(string name, params EventMessage[] events) => _execution.SendEventsAsync(name, events);

    /// <summary>The named parameters win over the options' resource and cost.</summary>
    private static StepOptions? WithResource(StepOptions? options, string? resource, int? cost)
        => resource is null && cost is null ? options : (options ?? new StepOptions()) with
        {
            Resource = resource ?? options?.Resource,
            Cost = cost ?? options?.Cost ?? 1,
        };

    /// <summary>Sends events, once.</summary>
    public Task<IReadOnlyList<string>> SendEvent(string name, IEnumerable<EventMessage> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return _execution.SendEventsAsync(name, events.ToArray());
    }
}

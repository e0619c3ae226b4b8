using System.Net;
using System.Text.Json;
using Baton.Internal;
using Baton.Resources;
using Baton.Storage;
using Baton.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Execution;

/// <summary>
/// Resource budgets for <c>step.Run</c>: capacity is acquired through the group-commit writer before the body runs.
/// Refused, the step is recorded as waiting (with the wake time it was given: its place in the resource's queue) and
/// the run is parked, queued, until then: it holds no worker, lease or concurrency slot meanwhile. An exhaustion
/// reported by the body pauses the resource for everyone and parks the step the same way. Neither uses up an attempt.
/// </summary>
internal sealed partial class RunExecution
{
    /// <summary>The budget a step names, checked before anything runs; null for a step without a resource.</summary>
    private ResourceBudget? ResolveResource(string stepName, StepOptions? options)
    {
        if (options?.Resource is not { } name)
        {
            return null;
        }

        var budget = _engine.Services.GetService<ResourceRegistry>()?.Find(name)
            ?? throw new InvalidStepException(stepName, $"resource '{name}' is not declared; declare it with AddResource(\"{name}\", ...) on the Baton builder");
        if (budget.CheckCost(options.Cost) is { } problem)
        {
            throw new InvalidStepException(stepName, problem);
        }

        return budget;
    }

    /// <summary>
    /// Acquires the step's cost from its resource. True when granted; otherwise the step is parked (or the lease was
    /// lost), the step has left the in-flight count and the caller must pause for good.
    /// </summary>
    private async Task<bool> AcquireResourceAsync(StepRequest request, StepInfo? recorded, ResourceBudget budget, int cost)
    {
        var now = Time.GetUtcNow();
        var ticket = recorded is { Status: StepStatus.Waiting } ? Ticket(recorded.Detail) : null;
        var decision = await ApplyResourceAsync(budget, new ResourceArbiter(budget, cost, now, ticket, pauseUntil: null)).ConfigureAwait(false);
        if (decision is null)
        {
            return false;
        }

        if (decision.Granted)
        {
            return true;
        }

        Log.ResourceWait(Logger, request.Id, Lease.RunId, budget.Name, decision.WakeAt!.Value);
        await ParkForResourceAsync(request, recorded, budget, decision.WakeAt.Value, recorded?.Error, now).ConfigureAwait(false);
        return false;
    }

    /// <summary>The body reported the resource exhausted: pause it for everyone and park the step until it resumes.</summary>
    private async Task PauseResourceAsync(StepRequest request, StepInfo? recorded, ResourceBudget budget, int cost, Exception exception, TimeSpan? retryAfter)
    {
        var now = Time.GetUtcNow();
        var until = now + (retryAfter ?? budget.DefaultPause);
        var decision = await ApplyResourceAsync(budget, new ResourceArbiter(budget, cost, now, ticket: null, pauseUntil: until)).ConfigureAwait(false);
        if (decision is null)
        {
            return;
        }

        Log.ResourcePaused(Logger, budget.Name, request.Id, Lease.RunId, decision.State.PausedUntil!.Value);
        await ParkForResourceAsync(request, recorded, budget, decision.WakeAt!.Value, ErrorInfo.From(exception), now).ConfigureAwait(false);
    }

    /// <summary>True (with the retry-after) when a step body's error says its resource is exhausted: <see cref="ResourceExhaustedException"/> or an HTTP 429.</summary>
    private static bool IsExhaustion(Exception error, out TimeSpan? retryAfter)
    {
        switch (error)
        {
            case ResourceExhaustedException exhausted:
                retryAfter = exhausted.RetryAfter;
                return true;
            case HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests }:
                retryAfter = null;
                return true;
            default:
                retryAfter = null;
                return false;
        }
    }

    /// <summary>Applies a resource request; null when the lease is lost (the execution is then abandoned).</summary>
    private async Task<ResourceDecision?> ApplyResourceAsync(ResourceBudget budget, ResourceArbiter arbiter)
    {
        ResourceResult result;
        try
        {
            result = await _engine.Writer.ApplyResourceAsync(new ResourceCommand(Lease, budget.Name, arbiter)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The store refused the write: give the run up here; its lease expires and it resumes elsewhere.
            Log.ExecutionError(Logger, Lease.RunId, e);
            result = new ResourceResult(FenceResult.LeaseLost, null);
        }

        if (result.Fence == FenceResult.Applied && result.Decision is { } decision)
        {
            return decision;
        }

        Settle(Outcome.Abandon);
        Exit();
        return null;
    }

    /// <summary>Records the step as waiting for its resource (attempts unchanged) and parks the run, queued, until <paramref name="wakeAt"/>.</summary>
    private async Task ParkForResourceAsync(StepRequest request, StepInfo? recorded, ResourceBudget budget, DateTimeOffset wakeAt, ErrorInfo? error, DateTimeOffset now)
    {
        var write = new StepWrite
        {
            StepId = request.Id,
            Name = request.Name,
            Position = request.Position,
            Kind = StepKind.Run,
            Status = StepStatus.Waiting,
            Attempts = recorded?.Attempts ?? 0,
            StartedAt = recorded?.StartedAt ?? now,
            WakeAt = wakeAt,
            Error = error,
            DetailJson = BatonJson.Serialize(new ResourceWait(budget.Name, wakeAt.ToUnixTimeMilliseconds())),
        };
        if (await CommitAsync(new CommitStepCommand { Lease = Lease, Step = write, Now = now }).ConfigureAwait(false))
        {
            _ = SuspendAndExit<object>(RunStatus.Queued, wakeAt);
        }
    }

    /// <summary>The wake time a waiting step was given (its place in the resource's queue), from its detail.</summary>
    private static DateTimeOffset? Ticket(string? detail)
    {
        if (detail is null)
        {
            return null;
        }

        try
        {
            return BatonJson.Deserialize<ResourceWait>(detail) is { Ticket: > 0 } wait ? DateTimeOffset.FromUnixTimeMilliseconds(wait.Ticket) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A step's detail while it waits for a resource: the resource and its wake time in Unix milliseconds.</summary>
    private sealed record ResourceWait(string Resource, long Ticket);
}

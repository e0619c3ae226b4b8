using Baton.Execution;

namespace Baton;

/// <summary>
/// A function defined as a class: its event payload type, constructor-injected services (resolved in a
/// scope per execution) and a body made of steps. Triggers and options are given when it is registered
/// (<c>AddFunction&lt;T&gt;(id, f =&gt; f.OnEvent(...))</c>). See <see cref="FunctionContext"/> for the replay rules.
/// </summary>
/// <typeparam name="TEvent">Type of the trigger event's data.</typeparam>
public abstract class BatonFunction<TEvent> : IBatonFunction, IFunctionBody
{
    /// <summary>The function's body.</summary>
    public abstract Task RunAsync(FunctionContext<TEvent> context);

    /// <summary>
    /// Runs as its own durable run when a run of this function fails for good. Override to handle failures
    /// (alert, compensate); steps work here too.
    /// </summary>
    public virtual Task OnFailureAsync(FunctionContext<FunctionFailure> context) => Task.CompletedTask;

    async Task<object?> IFunctionBody.InvokeAsync(RunExecution execution)
    {
        await RunAsync(new FunctionContext<TEvent>(execution)).ConfigureAwait(false);
        return null;
    }

    async Task<object?> IFunctionBody.InvokeFailureAsync(RunExecution execution)
    {
        await OnFailureAsync(new FunctionContext<FunctionFailure>(execution)).ConfigureAwait(false);
        return null;
    }
}

/// <summary>A function defined as a class that returns a result (memoized as the run's output, returned to invokers).</summary>
/// <typeparam name="TEvent">Type of the trigger event's data.</typeparam>
/// <typeparam name="TResult">Type of the result.</typeparam>
public abstract class BatonFunction<TEvent, TResult> : IBatonFunction, IFunctionBody
{
    /// <summary>The function's body.</summary>
    public abstract Task<TResult> RunAsync(FunctionContext<TEvent> context);

    /// <summary>Runs as its own durable run when a run of this function fails for good.</summary>
    public virtual Task OnFailureAsync(FunctionContext<FunctionFailure> context) => Task.CompletedTask;

    async Task<object?> IFunctionBody.InvokeAsync(RunExecution execution) => await RunAsync(new FunctionContext<TEvent>(execution)).ConfigureAwait(false);

    async Task<object?> IFunctionBody.InvokeFailureAsync(RunExecution execution)
    {
        await OnFailureAsync(new FunctionContext<FunctionFailure>(execution)).ConfigureAwait(false);
        return null;
    }
}

/// <summary>Bridges the typed class bases to the engine.</summary>
internal interface IFunctionBody
{
    Task<object?> InvokeAsync(RunExecution execution);

    Task<object?> InvokeFailureAsync(RunExecution execution);
}

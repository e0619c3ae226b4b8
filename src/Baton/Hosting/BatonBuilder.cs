using Baton.Execution;
using Baton.Functions;
using Baton.Internal;
using Baton.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Baton;

/// <summary>Configures Baton: storage provider, functions, options. Returned by <c>services.AddBaton()</c>.</summary>
public sealed partial class BatonBuilder
{
    private readonly List<FunctionDefinition> _functions = [];

    internal BatonBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection, for provider extension methods.</summary>
    public IServiceCollection Services { get; }

    internal IReadOnlyList<FunctionDefinition> Functions => _functions;

    /// <summary>Sets engine options.</summary>
    public BatonBuilder Configure(Action<BatonOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Uses a storage provider created from the service provider (providers call this from their <c>UseX</c> methods).</summary>
    public BatonBuilder UseStore(Func<IServiceProvider, IBatonStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<IBatonStore>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Registers a class function; its triggers and options are set by <paramref name="configure"/>.</summary>
    public BatonBuilder AddFunction<TFunction>(string id, Action<FunctionBuilder> configure)
        where TFunction : class, IBatonFunction
    {
        ArgumentNullException.ThrowIfNull(configure);
        FunctionCompiler.CheckId(id);
        var builder = new FunctionBuilder(id);
        configure(builder);
        var factory = ActivatorUtilities.CreateFactory(typeof(TFunction), Type.EmptyTypes);
        Services.TryAddTransient<TFunction>();
        FunctionInvoker invoker = (services, execution) => ((IFunctionBody)factory(services, null)).InvokeAsync(execution);
        FunctionInvoker? failure = OverridesOnFailure(typeof(TFunction))
            ? (services, execution) => ((IFunctionBody)factory(services, null)).InvokeFailureAsync(execution)
            : null;
        Add(FunctionCompiler.Compile(builder, invoker, failure));
        return this;
    }

    /// <summary>Registers a function defined by a lambda that returns a result.</summary>
    public BatonBuilder AddFunction<TEvent, TResult>(string id, Action<FunctionBuilder> configure, Func<FunctionContext<TEvent>, Task<TResult>> handler, Func<FunctionContext<FunctionFailure>, Task>? onFailure = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(handler);
        FunctionCompiler.CheckId(id);
        var builder = new FunctionBuilder(id);
        configure(builder);
        FunctionInvoker invoker = async (_, execution) => await handler(new FunctionContext<TEvent>(execution)).ConfigureAwait(false);
        Add(FunctionCompiler.Compile(builder, invoker, FailureInvoker(onFailure)));
        return this;
    }

    /// <summary>Registers a function defined by a lambda.</summary>
    public BatonBuilder AddFunction<TEvent>(string id, Action<FunctionBuilder> configure, Func<FunctionContext<TEvent>, Task> handler, Func<FunctionContext<FunctionFailure>, Task>? onFailure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddFunction<TEvent, object?>(id, configure, async ctx =>
        {
            await handler(ctx).ConfigureAwait(false);
            return null;
        }, onFailure);
    }

    /// <summary>Ids a definition occupies: its own and its failure handler's.</summary>
    private static IEnumerable<string> Ids(FunctionDefinition function)
        => function.FailureHandler is { } handler ? [function.Id, handler.Id] : [function.Id];

    /// <summary>Adds a compiled function; an id already taken (by a function or a failure handler) fails here, at registration.</summary>
    private void Add(FunctionDefinition function)
    {
        var taken = _functions.SelectMany(Ids).ToHashSet(StringComparer.Ordinal);
        if (Ids(function).FirstOrDefault(taken.Contains) is { } clash)
        {
            throw new FunctionConfigurationException(function.Id, "id", clash == function.Id ? "is registered twice" : $"'{clash}' is already the id of another function or failure handler");
        }

        _functions.Add(function);
    }

    private static FunctionInvoker? FailureInvoker(Func<FunctionContext<FunctionFailure>, Task>? onFailure)
    {
        if (onFailure is null)
        {
            return null;
        }

        return async (_, execution) =>
        {
            await onFailure(new FunctionContext<FunctionFailure>(execution)).ConfigureAwait(false);
            return null;
        };
    }

    private static bool OverridesOnFailure(Type type)
    {
        var method = type.GetMethod("OnFailureAsync", [typeof(FunctionContext<FunctionFailure>)]);
        return method is not null && method.DeclaringType != method.GetBaseDefinition().DeclaringType;
    }
}

/// <summary>Marks class functions: implemented by <see cref="BatonFunction{TEvent}"/> and <see cref="BatonFunction{TEvent, TResult}"/>; derive from those.</summary>
#pragma warning disable CA1040 // A marker is the point: the engine's side of the contract is internal.
public interface IBatonFunction
#pragma warning restore CA1040
{
}

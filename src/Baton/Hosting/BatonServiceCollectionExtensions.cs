using Baton;
using Baton.Execution;
using Baton.Functions;
using Baton.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Baton.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Baton in a service collection.</summary>
public static class BatonServiceCollectionExtensions
{
    /// <summary>
    /// Adds Baton: the engine, <see cref="IBatonClient"/>, <see cref="IBatonInspector"/> and the hosted worker.
    /// Choose a storage provider on the returned builder (<c>UseSqlite</c>) and add functions to it.
    /// Calling it again returns the same builder.
    /// </summary>
    public static BatonBuilder AddBaton(this IServiceCollection services, Action<BatonBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(BatonBuilder))?.ImplementationInstance as BatonBuilder;
        var builder = existing ?? Register(services);
        configure?.Invoke(builder);
        return builder;
    }

    private static BatonBuilder Register(IServiceCollection services)
    {
        var builder = new BatonBuilder(services);
        services.AddSingleton(builder);
        services.AddOptions<BatonOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new FunctionRegistry(sp.GetRequiredService<BatonBuilder>().Functions));
        services.TryAddSingleton(sp => new BatonEngine(
            sp.GetService<IBatonStore>() ?? throw new InvalidOperationException("Baton has no storage provider: call UseSqlite(...) (or another provider) on the builder returned by AddBaton()."),
            sp.GetRequiredService<FunctionRegistry>(),
            sp.GetRequiredService<IOptions<BatonOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp));
        services.TryAddSingleton<BatonClient>();
        services.TryAddSingleton<IBatonClient>(sp => sp.GetRequiredService<BatonClient>());
        services.TryAddSingleton<IBatonInspector>(sp => sp.GetRequiredService<BatonClient>());
        services.TryAddSingleton(sp => sp.GetRequiredService<BatonEngine>().Changes);
        services.TryAddSingleton<IBatonOperations>(sp => new Baton.Operations.BatonOperations(sp.GetRequiredService<BatonEngine>()));
        services.TryAddSingleton<BatonWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<BatonWorker>());
        return builder;
    }
}

using Baton.Storage;

namespace Baton.Execution;

internal sealed partial class RunWriter
{
    /// <summary>Acquires from (or pauses) a resource in the next batch: many steps' requests share one transaction.</summary>
    public Task<ResourceResult> ApplyResourceAsync(ResourceCommand command)
        => Enqueue(command, static (w, c, t) => Resources(w).ApplyResourceAsync(c, t), null, Never);

    private static IResourceWriter Resources(IStoreWriter writer)
        => writer as IResourceWriter ?? throw new NotSupportedException($"The storage provider's writer ({writer.GetType().Name}) does not support resource budgets");
}

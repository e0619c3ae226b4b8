using Baton.Resources;
using Baton.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Hosting;

internal sealed partial class BatonClient
{
    public async Task<IReadOnlyList<ResourceInfo>> GetResourcesAsync(CancellationToken cancellationToken = default)
    {
        await _engine.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var budgets = _engine.Services.GetService<ResourceRegistry>()?.All ?? [];
        if (budgets.Count == 0)
        {
            return [];
        }

        var store = _engine.Store as IResourceStore
            ?? throw new NotSupportedException($"The storage provider ({_engine.Store.ProviderName}) does not support resource budgets");
        var states = await store.GetResourceStatesAsync(cancellationToken).ConfigureAwait(false);
        var now = _engine.Time.GetUtcNow();
        return budgets.Select(b => ResourceView.Describe(b, states.GetValueOrDefault(b.Name) ?? ResourceState.Empty, now)).ToArray();
    }
}

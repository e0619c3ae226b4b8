namespace Baton.Resources;

/// <summary>The resource budgets declared on the builder, by name.</summary>
internal sealed class ResourceRegistry
{
    private readonly Dictionary<string, ResourceBudget> _byName;

    public ResourceRegistry(IReadOnlyList<ResourceBudget> budgets)
    {
        All = budgets;
        _byName = budgets.ToDictionary(b => b.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<ResourceBudget> All { get; }

    public ResourceBudget? Find(string name) => _byName.GetValueOrDefault(name);
}

using Baton.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Baton;

public sealed partial class BatonBuilder
{
    private readonly List<ResourceBudget> _resources = [];

    internal IReadOnlyList<ResourceBudget> Resources => _resources;

    /// <summary>
    /// Declares a resource budget shared by every function and node, e.g.
    /// <c>AddResource("ebay:EBAY_GB", r =&gt; r.PerSecond(5, burst: 5).Quota(5000, TimeSpan.FromDays(1), resetAt: new TimeOnly(0, 0), timeZone: "America/Los_Angeles"))</c>.
    /// Steps use it with <c>step.Run(name, work, resource: "ebay:EBAY_GB")</c>. Throws <see cref="ArgumentException"/> for a bad or
    /// duplicate name or a bad budget.
    /// </summary>
    public BatonBuilder AddResource(string name, Action<ResourceBuilder> configure)
    {
        ResourceBudget.CheckName(name);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new ResourceBuilder();
        configure(builder);
        return AddResource(builder.Build(name));
    }

    /// <summary>Declares a resource budget (see <see cref="AddResource(string, Action{ResourceBuilder})"/>).</summary>
    public BatonBuilder AddResource(ResourceBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (_resources.Any(r => string.Equals(r.Name, budget.Name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Resource '{budget.Name}' is declared twice", nameof(budget));
        }

        _resources.Add(budget);
        Services.TryAddSingleton(sp => new ResourceRegistry(sp.GetRequiredService<BatonBuilder>().Resources));
        return this;
    }
}

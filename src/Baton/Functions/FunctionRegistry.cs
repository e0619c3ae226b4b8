using System.Collections.Frozen;

namespace Baton.Functions;

/// <summary>All registered functions, by id, and the event-name index used to route events.</summary>
internal sealed class FunctionRegistry
{
    private readonly FrozenDictionary<string, FunctionDefinition> _byId;
    private readonly FrozenDictionary<string, (FunctionDefinition Function, CompiledEventTrigger Trigger)[]> _exact;
    private readonly (FunctionDefinition Function, CompiledEventTrigger Trigger)[] _wildcards;

    public FunctionRegistry(IEnumerable<FunctionDefinition> functions)
    {
        var all = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        foreach (var function in functions)
        {
            if (!all.TryAdd(function.Id, function))
            {
                throw new FunctionConfigurationException(function.Id, "id", "is registered twice");
            }

            if (function.FailureHandler is { } handler)
            {
                all.Add(handler.Id, handler);
            }
        }

        _byId = all.ToFrozenDictionary(StringComparer.Ordinal);
        var triggers = all.Values.SelectMany(f => f.EventTriggers.Select(t => (Function: f, Trigger: t))).ToList();
        _exact = triggers.Where(t => t.Trigger.Prefix is null)
            .GroupBy(t => t.Trigger.Event, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _wildcards = triggers.Where(t => t.Trigger.Prefix is not null).ToArray();
    }

    public IEnumerable<FunctionDefinition> All => _byId.Values;

    public int Count => _byId.Count;

    public FunctionDefinition? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Triggers matching an event name (a function with several matching triggers appears once per trigger).</summary>
    public IEnumerable<(FunctionDefinition Function, CompiledEventTrigger Trigger)> Match(string eventName)
    {
        if (_exact.TryGetValue(eventName, out var exact))
        {
            foreach (var t in exact)
            {
                yield return t;
            }
        }

        foreach (var t in _wildcards)
        {
            if (t.Trigger.Matches(eventName))
            {
                yield return t;
            }
        }
    }
}

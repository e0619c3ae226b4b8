using System.Collections.Frozen;

namespace Baton.Expressions;

/// <summary>The built-in functions: names, arity and construction of their nodes (all checked at parse time).</summary>
internal static class Functions
{
    private static readonly FrozenDictionary<string, int> Arity = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["size"] = 1,
        ["has"] = 1,
        ["string"] = 1,
        ["int"] = 1,
        ["lower"] = 1,
        ["upper"] = 1,
        ["startsWith"] = 2,
        ["endsWith"] = 2,
        ["contains"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private const string KnownNames = "size, has, string, int, lower, upper, startsWith, endsWith, contains";

    public static bool IsKnown(string name) => Arity.ContainsKey(name);

    /// <summary>The error for an unknown function name.</summary>
    public static ExpressionException Unknown(string text, Token name) =>
        new(text, name.Position, $"unknown function '{name.Text}'; available functions are {KnownNames}");

    /// <summary>Builds the node for a call of a known function; throws for a wrong argument count or a bad has() argument.</summary>
    public static Node Create(string text, Token name, List<Node> args, List<int> argPositions)
    {
        string function = name.Text!;
        int expected = Arity[function];
        if (args.Count != expected)
        {
            throw new ExpressionException(
                text,
                name.Position,
                $"function '{function}' takes {expected} argument{(expected == 1 ? "" : "s")} but got {args.Count}");
        }

        int position = name.Position;
        return function switch
        {
            "size" => new SizeNode(position, args[0]),
            "has" => args[0] is PathNode path
                ? new HasNode(position, path)
                : throw new ExpressionException(text, argPositions[0], "has() expects a field path such as has(event.data.x)"),
            "string" => new ToStringNode(position, args[0]),
            "int" => new ToIntNode(position, args[0]),
            "lower" => new ChangeCaseNode(position, upper: false, args[0]),
            "upper" => new ChangeCaseNode(position, upper: true, args[0]),
            "startsWith" => new StringTestNode(position, StringTest.StartsWith, args[0], args[1]),
            "endsWith" => new StringTestNode(position, StringTest.EndsWith, args[0], args[1]),
            _ => new StringTestNode(position, StringTest.Contains, args[0], args[1]),
        };
    }
}

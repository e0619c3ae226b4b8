using System.Collections.Frozen;
using Baton.Expressions;

namespace Baton;

/// <summary>
/// A parsed Baton expression: a small CEL-like language evaluated over JSON, used for event filters,
/// concurrency and idempotency keys and event matching, e.g.
/// <c>event.data.marketplace == "EBAY_GB" &amp;&amp; event.data.price &gt; 10</c>.
/// </summary>
/// <remarks>
/// Parse once and keep the instance: parsing builds an immutable tree, and evaluation does no parsing,
/// no reflection and (for most expressions) no allocation. An instance is safe to evaluate from many
/// threads at once. See <c>docs/expressions.md</c> for the language.
/// </remarks>
public sealed class BatonExpression
{
    private readonly Node _root;

    private BatonExpression(string text, Node root, FrozenSet<string> rootVariables)
    {
        Text = text;
        _root = root;
        RootVariables = rootVariables;
    }

    /// <summary>The text the expression was parsed from.</summary>
    public string Text { get; }

    /// <summary>The variables read at the root of paths, e.g. <c>{"event", "async"}</c> for <c>event.data.id == async.data.id</c>.</summary>
    public IReadOnlySet<string> RootVariables { get; }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The expression text.</param>
    /// <returns>The parsed expression, ready to be evaluated any number of times.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is null, empty or white space.</exception>
    /// <exception cref="ExpressionException">
    /// The text is not a valid expression (syntax error, unknown function, wrong argument count, bad literal);
    /// <see cref="ExpressionException.Position"/> is the zero-based position of the problem.
    /// </exception>
    public static BatonExpression Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        Node root = Parser.Parse(text, out FrozenSet<string> rootVariables);
        return new BatonExpression(text, root, rootVariables);
    }

    /// <summary>Evaluates the expression.</summary>
    /// <param name="scope">The variables to evaluate against.</param>
    /// <returns>
    /// <see langword="null"/> (for null and missing values), a <see cref="bool"/>, a <see cref="double"/>,
    /// a <see cref="string"/>, or a <see cref="System.Text.Json.JsonElement"/> for an object or array (which
    /// points into the scope's JSON document).
    /// </returns>
    /// <exception cref="ExpressionEvaluationException">An operator or function got values of the wrong type.</exception>
    public object? Evaluate(ExpressionScope scope)
    {
        var context = new EvaluationContext(Text, scope);
        return _root.Evaluate(context).ToObject();
    }

    /// <summary>Evaluates the expression as a condition (filter or match).</summary>
    /// <param name="scope">The variables to evaluate against.</param>
    /// <returns>The bool result; <see langword="false"/> when the result is null or missing.</returns>
    /// <exception cref="ExpressionEvaluationException">The result is not a bool, or evaluation failed.</exception>
    public bool EvaluateCondition(ExpressionScope scope)
    {
        var context = new EvaluationContext(Text, scope);
        Value value = _root.Evaluate(context);
        return value.Kind switch
        {
            ValueKind.Bool => value.Bool,
            ValueKind.Null or ValueKind.Missing => false,
            _ => throw new ExpressionEvaluationException(
                Text,
                $"a condition must evaluate to a bool but this one evaluated to {ValueOperations.TypeName(value)}"),
        };
    }

    /// <summary>Evaluates the expression as a key (concurrency, idempotency, rate limit, ...).</summary>
    /// <param name="scope">The variables to evaluate against.</param>
    /// <returns>
    /// A string as is; a number in invariant shortest round-trip form (<c>"2"</c>, <c>"2.5"</c>; integers read
    /// from JSON keep their exact digits); <c>"true"</c> or <c>"false"</c>; compact JSON for an object or array;
    /// <see langword="null"/> when the result is null or missing.
    /// </returns>
    /// <exception cref="ExpressionEvaluationException">Evaluation failed.</exception>
    public string? EvaluateKey(ExpressionScope scope)
    {
        var context = new EvaluationContext(Text, scope);
        return ValueOperations.ToKeyString(_root.Evaluate(context));
    }

    /// <summary>Returns <see cref="Text"/>.</summary>
    public override string ToString() => Text;
}

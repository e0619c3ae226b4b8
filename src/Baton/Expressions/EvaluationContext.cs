using System.Text.Json;

namespace Baton.Expressions;

/// <summary>What one evaluation needs: the variables in scope and the expression text for error messages.</summary>
internal readonly struct EvaluationContext
{
    private readonly ExpressionScope _scope;

    public EvaluationContext(string text, in ExpressionScope scope)
    {
        Text = text;
        _scope = scope;
    }

    /// <summary>The text of the expression being evaluated.</summary>
    public string Text { get; }

    /// <summary>Looks up a root variable; unknown names are reported as not found (missing).</summary>
    public bool TryGetVariable(string name, out JsonElement value) => _scope.TryGetVariable(name, out value);

    /// <summary>Creates the exception for a runtime failure at <paramref name="position"/>.</summary>
    public ExpressionEvaluationException Error(int position, string problem) =>
        new(Text, $"{problem} (at position {position})");
}

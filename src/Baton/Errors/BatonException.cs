namespace Baton;

/// <summary>
/// Base type of every exception Baton throws on purpose. Catch it to handle any Baton failure;
/// the sealed subclasses carry structured data (function, run, step, attempt).
/// </summary>
public abstract class BatonException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    protected BatonException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A function's configuration is invalid. Thrown at registration, before anything runs.</summary>
public sealed class FunctionConfigurationException : BatonException
{
    /// <summary>Creates the exception for <paramref name="functionId"/> and the bad <paramref name="field"/>.</summary>
    public FunctionConfigurationException(string functionId, string field, string problem, Exception? innerException = null)
        : base($"Function '{functionId}': {field}: {problem}", innerException)
    {
        FunctionId = functionId;
        Field = field;
    }

    /// <summary>The function whose configuration is invalid.</summary>
    public string FunctionId { get; }

    /// <summary>The configuration field that is invalid (e.g. <c>triggers[0].cron</c>).</summary>
    public string Field { get; }
}

/// <summary>An event given to <see cref="IBatonClient.SendAsync(EventMessage, CancellationToken)"/> is invalid; nothing was stored.</summary>
public sealed class InvalidEventException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public InvalidEventException(string message, int index = 0)
        : base(message)
    {
        Index = index;
    }

    /// <summary>Position of the bad event in the batch that was sent.</summary>
    public int Index { get; }
}

/// <summary>An expression (filter, key, match) could not be parsed.</summary>
public sealed class ExpressionException : BatonException
{
    /// <summary>Creates the exception for <paramref name="expression"/> with the error at <paramref name="position"/>.</summary>
    public ExpressionException(string expression, int position, string problem)
        : base($"Invalid expression '{expression}' at position {position}: {problem}")
    {
        Expression = expression;
        Position = position;
    }

    /// <summary>The text of the expression.</summary>
    public string Expression { get; }

    /// <summary>Zero-based character position of the error.</summary>
    public int Position { get; }
}

/// <summary>Evaluating an expression failed at run time (e.g. comparing a string with a number).</summary>
public sealed class ExpressionEvaluationException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public ExpressionEvaluationException(string expression, string problem)
        : base($"Expression '{expression}' failed: {problem}")
    {
        Expression = expression;
    }

    /// <summary>The text of the expression.</summary>
    public string Expression { get; }
}

namespace Baton;

/// <summary>No function is registered with the given id.</summary>
public sealed class FunctionNotFoundException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public FunctionNotFoundException(string functionId)
        : base($"No function is registered with id '{functionId}'")
    {
        FunctionId = functionId;
    }

    /// <summary>The unknown id.</summary>
    public string FunctionId { get; }
}

/// <summary>The function is paused, so the action (a replay) would start no run; nothing was stored.</summary>
public sealed class FunctionPausedException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public FunctionPausedException(string functionId)
        : base($"Function '{functionId}' is paused; resume it first")
    {
        FunctionId = functionId;
    }

    /// <summary>The paused function.</summary>
    public string FunctionId { get; }
}

/// <summary>The run cannot be replayed (it has no trigger event to start from); nothing was stored.</summary>
public sealed class RunNotReplayableException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public RunNotReplayableException(string runId, string why)
        : base($"Run '{runId}' cannot be replayed: {why}")
    {
        RunId = runId;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }
}

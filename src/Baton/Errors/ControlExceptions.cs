namespace Baton;

/// <summary>Throw from a step (or function code) to fail it at once, without further retries.</summary>
public class NonRetriableException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public NonRetriableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Throw from a step to retry it no earlier than <see cref="Delay"/> from now (it still counts as an attempt).</summary>
public class RetryAfterException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public RetryAfterException(TimeSpan delay, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Delay = delay;
    }

    /// <summary>How long to wait before the next attempt.</summary>
    public TimeSpan Delay { get; }
}

/// <summary>
/// A step ran out of attempts (or failed non-retriably). Thrown into the function at the step's call;
/// if the function does not catch it, the run fails with the step's error.
/// </summary>
public sealed class StepFailedException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public StepFailedException(string stepId, int attempts, ErrorInfo error)
        : base($"Step '{stepId}' failed after {attempts} attempt(s): {error.Type}: {error.Message}")
    {
        StepId = stepId;
        Attempts = attempts;
        Error = error;
    }

    /// <summary>The step.</summary>
    public string StepId { get; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; }

    /// <summary>The step's last error.</summary>
    public ErrorInfo Error { get; }
}

/// <summary>A step attempt exceeded its timeout; the attempt counts as failed.</summary>
public sealed class StepTimeoutException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public StepTimeoutException(string stepId, TimeSpan timeout)
        : base($"Step '{stepId}' did not finish within {timeout}")
    {
        StepId = stepId;
        Timeout = timeout;
    }

    /// <summary>The step.</summary>
    public string StepId { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>
/// On replay, the function asked for a step that contradicts the recorded history (a different step at the
/// same position, or the same id with another kind). The run fails: its code changed in a way that is not replay-safe.
/// </summary>
public sealed class DeterminismException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public DeterminismException(string runId, int position, string recordedStep, string requestedStep)
        : base($"Run '{runId}' is not deterministic: step #{position} was recorded as '{recordedStep}' but the code now asks for '{requestedStep}'")
    {
        RunId = runId;
        Position = position;
        RecordedStep = recordedStep;
        RequestedStep = requestedStep;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>Position of the contradicting step.</summary>
    public int Position { get; }

    /// <summary>What history recorded there.</summary>
    public string RecordedStep { get; }

    /// <summary>What the code asked for.</summary>
    public string RequestedStep { get; }
}

/// <summary>A step asked for something invalid (e.g. a sleep longer than a year, an unknown function to invoke).</summary>
public sealed class InvalidStepException : NonRetriableException
{
    /// <summary>Creates the exception.</summary>
    public InvalidStepException(string stepName, string problem)
        : base($"Step '{stepName}': {problem}")
    {
        StepName = stepName;
    }

    /// <summary>The step's name.</summary>
    public string StepName { get; }
}

/// <summary>An invoked run did not finish within the invoke step's timeout.</summary>
public sealed class InvokeTimeoutException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public InvokeTimeoutException(string stepId, string childRunId)
        : base($"Invoke step '{stepId}' timed out waiting for run '{childRunId}'")
    {
        StepId = stepId;
        ChildRunId = childRunId;
    }

    /// <summary>The step.</summary>
    public string StepId { get; }

    /// <summary>The invoked run.</summary>
    public string ChildRunId { get; }
}

/// <summary>A store operation failed. <see cref="IsTransient"/> says whether retrying may succeed.</summary>
public sealed class StorageException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public StorageException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>True when the failure is temporary (busy database, lost connection).</summary>
    public bool IsTransient { get; }
}

/// <summary>No run with the given id exists.</summary>
public sealed class RunNotFoundException : BatonException
{
    /// <summary>Creates the exception.</summary>
    public RunNotFoundException(string runId)
        : base($"Run '{runId}' does not exist")
    {
        RunId = runId;
    }

    /// <summary>The id that was looked up.</summary>
    public string RunId { get; }
}

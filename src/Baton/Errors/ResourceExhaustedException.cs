namespace Baton;

/// <summary>
/// Throw from a step that uses a resource when the resource's owner refused the call (e.g. HTTP 429): the
/// resource pauses for every run and node until <see cref="RetryAfter"/> from now (or the resource's default
/// pause), and the step tries again then without using up one of its retries. In a step without a resource it is
/// an ordinary failure.
/// </summary>
public class ResourceExhaustedException : BatonException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="retryAfter">How long the resource stays exhausted, when known; not negative.</param>
    /// <param name="message">What the resource's owner said.</param>
    /// <param name="innerException">The underlying error.</param>
    public ResourceExhaustedException(TimeSpan? retryAfter, string? message = null, Exception? innerException = null)
        : base(message ?? (retryAfter is { } r ? $"The resource is exhausted; retry after {r}" : "The resource is exhausted"), innerException)
    {
        if (retryAfter is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(retryAfter));
        }

        RetryAfter = retryAfter;
    }

    /// <summary>How long the resource stays exhausted, or null when the owner did not say.</summary>
    public TimeSpan? RetryAfter { get; }
}

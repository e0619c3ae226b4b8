using System.Net;

namespace Baton;

/// <summary>Maps an HTTP "too many requests" answer to <see cref="ResourceExhaustedException"/>, so a resource step pauses its resource.</summary>
public static class HttpResponseResourceExtensions
{
    /// <summary>
    /// Throws <see cref="ResourceExhaustedException"/> when <paramref name="response"/> is 429 Too Many Requests, with the
    /// delay its <c>Retry-After</c> header gives (seconds, or a date measured against <paramref name="time"/>; null when
    /// absent, so the resource's default pause applies). Returns the response otherwise, for chaining
    /// (<c>response.ThrowIfResourceExhausted().EnsureSuccessStatusCode()</c>).
    /// </summary>
    /// <param name="response">The response to check.</param>
    /// <param name="time">Clock for a date-valued <c>Retry-After</c>. Default is the system clock.</param>
    public static HttpResponseMessage ThrowIfResourceExhausted(this HttpResponseMessage response, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return response;
        }

        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - (time ?? TimeProvider.System).GetUtcNow(),
            _ => null,
        };
        if (retryAfter < TimeSpan.Zero)
        {
            retryAfter = TimeSpan.Zero;
        }

        var request = response.RequestMessage?.RequestUri is { } uri ? $" from {uri.GetLeftPart(UriPartial.Path)}" : "";
        throw new ResourceExhaustedException(retryAfter, $"HTTP 429 Too Many Requests{request}" + (retryAfter is { } r ? $"; retry after {r}" : ""));
    }
}

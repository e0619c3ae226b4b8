using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.AspNetCore.Views;

namespace Baton.AspNetCore.Endpoints;

/// <summary>Body of <c>POST /api/v1/runs/bulk-cancel</c> and <c>/bulk-replay</c>: which runs (at least one filter), and why.</summary>
public sealed record BulkRequest
{
    /// <summary>Only runs of this function.</summary>
    public string? FunctionId { get; init; }

    /// <summary>Only runs in these states (names of <see cref="RunStatus"/>).</summary>
    public IReadOnlyList<string>? Statuses { get; init; }

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only runs created before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Cancel reason recorded on each run (bulk cancel). Default is "bulk cancel".</summary>
    public string? Reason { get; init; }
}

/// <summary>Body of <c>POST /api/v1/runs/{id}/cancel</c> (optional).</summary>
/// <param name="Reason">Why; default is "cancelled via API".</param>
public sealed record CancelRequest(string? Reason);

/// <summary>Reads small JSON request bodies strictly: unknown members and wrong types are refused with a message.</summary>
internal static class RequestBodies
{
    private const int MaxBody = 64 * 1024;

    private static readonly JsonSerializerOptions Strict = new(ApiJson.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The body is not acceptable.</summary>
    public sealed class BadBodyException(string message) : Exception(message);

    public static async Task<T?> ReadAsync<T>(HttpRequest request, bool required)
        where T : class
    {
        if (request.ContentLength > MaxBody)
        {
            throw new BadBodyException($"the request body is larger than {MaxBody} bytes");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > MaxBody)
        {
            throw new BadBodyException($"the request body is larger than {MaxBody} bytes");
        }

        if (buffer.Length == 0)
        {
            return required ? throw new BadBodyException("a JSON body is required") : null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Strict)
                ?? (required ? throw new BadBodyException("a JSON object is required, not null") : null);
        }
        catch (JsonException e)
        {
            throw new BadBodyException("malformed or mistyped JSON body: " + e.Message);
        }
    }
}

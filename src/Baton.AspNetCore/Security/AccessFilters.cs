using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.AspNetCore.Security;

/// <summary>Who may call which endpoint: loopback-only by default, keys or the host's policy when exposed, read-only mode.</summary>
internal static class AccessFilters
{
    public const string ApiKeyHeader = "X-Baton-Api-Key";

    public static bool IsLoopback(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;

        // No remote address means an in-process transport, which is as local as it gets.
        return remote is null || IPAddress.IsLoopback(remote);
    }

    /// <summary>Guards <c>POST /e/{eventKey}</c>.</summary>
    public static IResult? CheckIngest(HttpContext context, BatonApiOptions options, string eventKey)
    {
        var local = IsLoopback(context);
        if (!local && !options.AllowRemoteAccess)
        {
            return ApiError.Result(StatusCodes.Status403Forbidden, "Baton serves only loopback clients; set AllowRemoteAccess to expose it");
        }

        if (options.EventKeys.Count == 0)
        {
            return local ? null : ApiError.Result(StatusCodes.Status401Unauthorized, "no event keys are configured, so remote clients cannot send events");
        }

        return options.EventKeys.Any(k => SameKey(k, eventKey)) ? null : ApiError.Result(StatusCodes.Status401Unauthorized, "unknown event key");
    }

    /// <summary>Guards <c>/api/v1</c> and <c>/metrics</c>.</summary>
    public static async ValueTask<IResult?> CheckApiAsync(HttpContext context, BatonApiOptions options)
    {
        var local = IsLoopback(context);
        if (!local && !options.AllowRemoteAccess)
        {
            return ApiError.Result(StatusCodes.Status403Forbidden, "Baton serves only loopback clients; set AllowRemoteAccess to expose it");
        }

        if (PresentedKey(context) is { } key)
        {
            return options.ApiKeys.Any(k => SameKey(k, key)) ? null : ApiError.Result(StatusCodes.Status401Unauthorized, "invalid API key");
        }

        if (options.AuthorizationPolicy is { } policy)
        {
            var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
            var result = await authorization.AuthorizeAsync(context.User, policy).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return null;
            }
        }
        else if (local && options.ApiKeys.Count == 0)
        {
            return null;
        }

        return ApiError.Result(StatusCodes.Status401Unauthorized, $"an API key is required (Authorization: Bearer <key> or {ApiKeyHeader})");
    }

    public static IResult? CheckWritable(BatonApiOptions options)
        => options.ReadOnly ? ApiError.Result(StatusCodes.Status403Forbidden, "the Baton API is in read-only mode") : null;

    private static string? PresentedKey(HttpContext context)
    {
        if (context.Request.Headers.TryGetValue(ApiKeyHeader, out var header) && header.Count > 0 && !string.IsNullOrEmpty(header[0]))
        {
            return header[0];
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private static bool SameKey(string expected, string presented)
        => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
}

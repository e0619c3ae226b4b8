namespace Baton.AspNetCore.Security;

/// <summary>The body of every 4xx/5xx answer: <c>{"error": "...", "status": 400}</c>.</summary>
/// <param name="Error">What was wrong, for a human.</param>
/// <param name="Status">The HTTP status code.</param>
public sealed record ApiError(string Error, int Status)
{
    internal static IResult Result(int status, string message) => Results.Json(new ApiError(message, status), Views.ApiJson.Options, statusCode: status);
}

using Microsoft.Extensions.Logging;

namespace Baton.AspNetCore;

/// <summary>Log messages of Baton's HTTP surface. Event ids: 5xxx (52xx alerts, 53xx stream).</summary>
internal static partial class Log
{
    [LoggerMessage(5200, LogLevel.Warning, "Failure alert for {FunctionId} could not be posted to {Url}")]
    public static partial void AlertPostFailed(ILogger logger, string functionId, Uri url, Exception exception);

    [LoggerMessage(5201, LogLevel.Information, "Failure alert for {FunctionId} posted to {Url}: {Summary}")]
    public static partial void AlertPosted(ILogger logger, string functionId, Uri url, string summary);

    [LoggerMessage(5300, LogLevel.Information, "Live stream client dropped: it fell {Buffer} changes behind")]
    public static partial void StreamClientTooSlow(ILogger logger, int buffer);

    [LoggerMessage(5301, LogLevel.Warning, "Reading the store's change feed failed; retrying at the next wake-up")]
    public static partial void ChangeFeedReadFailed(ILogger logger, Exception exception);
}

using System.Buffers;
using Baton.AspNetCore.Security;
using Baton.AspNetCore.Views;
using Microsoft.AspNetCore.Http.Features;

namespace Baton.AspNetCore.Endpoints;

/// <summary><c>POST /e/{eventKey}</c>: event ingest in the Inngest shape.</summary>
internal static class IngestEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, BatonApiOptions options)
    {
        routes.MapPost("/e/{eventKey}", (HttpContext context, string eventKey, IBatonClient client) => IngestAsync(context, eventKey, client, options))
            .WithName("IngestEvents")
            .WithTags("Events")
            .WithSummary("Send one event or an array of events ({name, data, id?, ts?}).")
            .Accepts<object>("application/json")
            .Produces<IngestResponse>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<IResult> IngestAsync(HttpContext context, string eventKey, IBatonClient client, BatonApiOptions options)
    {
        if (AccessFilters.CheckIngest(context, options, eventKey) is { } denied)
        {
            return denied;
        }

        if (context.Request.ContentLength > options.MaxRequestBytes)
        {
            return ApiError.Result(StatusCodes.Status413PayloadTooLarge, $"the request body is {context.Request.ContentLength} bytes; the limit is {options.MaxRequestBytes}");
        }

        var body = await ReadBodyAsync(context, options.MaxRequestBytes).ConfigureAwait(false);
        if (body is null)
        {
            return ApiError.Result(StatusCodes.Status413PayloadTooLarge, $"the request body exceeds {options.MaxRequestBytes} bytes");
        }

        if (body.WrittenCount == 0)
        {
            return ApiError.Result(StatusCodes.Status400BadRequest, "the request body is empty; send an event object or an array of events");
        }

        IReadOnlyList<EventMessage> messages;
        try
        {
            messages = IngestParser.Parse(body.WrittenMemory, options);
        }
        catch (IngestParser.IngestRejection rejection)
        {
            return ApiError.Result(rejection.Status, rejection.Message);
        }

        try
        {
            var ids = await client.SendAsync(messages, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new IngestResponse(ids, StatusCodes.Status200OK), ApiJson.Options);
        }
        catch (InvalidEventException e)
        {
            return ApiError.Result(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    /// <summary>Reads the body, or returns null as soon as it grows past <paramref name="limit"/> (a chunked body has no length to check up front).</summary>
    private static async Task<ArrayBufferWriter<byte>?> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1L;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(context.Request.ContentLength ?? 4096, limit) + 1);
        var stream = context.Request.Body;
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(8192);
                var read = await stream.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }
}

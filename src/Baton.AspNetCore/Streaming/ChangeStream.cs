using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Baton.AspNetCore.Views;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Baton.AspNetCore.Streaming;

/// <summary>
/// <c>GET /api/v1/stream</c>: Server-Sent Events of committed run and step changes made by any node, read from the
/// store's change feed (<see cref="CommittedChanges"/>), in the order they were committed. A comment line <c>: connected</c> is sent once the subscription is live, then one
/// <c>run</c> or <c>step</c> event per change, and a <c>: ping</c> comment every 15 seconds of silence.
/// </summary>
internal static class ChangeStream
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext context, CommittedChanges changes, BatonApiOptions options, ILogger logger)
    {
        var runFilter = context.Request.Query["run"].ToString();
        var functionFilter = context.Request.Query["function"].ToString();
        var runsOfFunction = new HashSet<string>(StringComparer.Ordinal);
        var channel = Channel.CreateBounded<BatonChange>(new BoundedChannelOptions(options.StreamBuffer) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        using var subscription = await changes.SubscribeAsync(change =>
        {
            if (runFilter.Length > 0 && change.RunId != runFilter)
            {
                return;
            }

            if (!channel.Writer.TryWrite(change))
            {
                // The client reads slower than Baton commits; drop it rather than buffer without bound.
                channel.Writer.TryComplete(new InvalidOperationException("client too slow"));
            }
        }, context.RequestAborted).ConfigureAwait(false);

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await WriteAsync(context, ": connected\n\n").ConfigureAwait(false);

        long sequence = 0;
        var aborted = context.RequestAborted;
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                quiet.CancelAfter(Heartbeat);
                bool more;
                try
                {
                    more = await channel.Reader.WaitToReadAsync(quiet.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await WriteAsync(context, ": ping\n\n").ConfigureAwait(false);
                    continue;
                }

                if (!more)
                {
                    break;
                }

                var text = new StringBuilder();
                while (channel.Reader.TryRead(out var change))
                {
                    if (Format(change, functionFilter, runsOfFunction) is { } frame)
                    {
                        text.Append("id: ").Append(++sequence).Append('\n').Append(frame);
                    }
                }

                if (text.Length > 0)
                {
                    await WriteAsync(context, text.ToString()).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (ChannelClosedException)
        {
            Log.StreamClientTooSlow(logger, options.StreamBuffer);
        }
    }

    private static string? Format(BatonChange change, string functionFilter, HashSet<string> runsOfFunction)
    {
        switch (change)
        {
            case RunChange run:
                if (functionFilter.Length > 0)
                {
                    if (run.FunctionId != functionFilter)
                    {
                        return null;
                    }

                    runsOfFunction.Add(run.RunId);
                }

                return "event: run\ndata: " + JsonSerializer.Serialize(new RunChangeView(run.RunId, run.FunctionId, run.Status, run.Applied), ApiJson.Options) + "\n\n";
            case StepChange step:
                if (functionFilter.Length > 0 && !runsOfFunction.Contains(step.RunId))
                {
                    return null;
                }

                return "event: step\ndata: " + JsonSerializer.Serialize(new StepChangeView(step.RunId, step.StepId, step.Status), ApiJson.Options) + "\n\n";
            default:
                return null;
        }
    }

    private static async Task WriteAsync(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>Data of a <c>run</c> stream event.</summary>
/// <param name="RunId">The run.</param>
/// <param name="FunctionId">Its function.</param>
/// <param name="Status">Its new state.</param>
/// <param name="Applied">Always true: the stream carries committed changes only (kept for clients that read it).</param>
public sealed record RunChangeView(string RunId, string FunctionId, RunStatus Status, bool Applied);

/// <summary>Data of a <c>step</c> stream event.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StepId">The step.</param>
/// <param name="Status">Its new state.</param>
public sealed record StepChangeView(string RunId, string StepId, StepStatus Status);

using System.Net.Http.Json;
using System.Threading.Channels;
using Baton.AspNetCore.Views;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.AspNetCore.Alerts;

/// <summary>
/// Watches finished runs on the change feed (runs finished by this process) and posts an <see cref="AlertMessage"/>
/// to a rule's webhook when the rule trips, then keeps the rule quiet for its cooldown (per function).
/// Cancelled runs count neither as failed nor as finished.
/// </summary>
internal sealed class AlertMonitor(ChangeFeed feed, IBatonInspector inspector, BatonApiOptions options, TimeProvider time, ILogger<AlertMonitor> logger)
    : IHostedService, IDisposable
{
    private readonly Channel<RunChange> _finished = Channel.CreateUnbounded<RunChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<(int Rule, string Function), Queue<(DateTimeOffset At, bool Failed)>> _windows = [];
    private readonly Dictionary<(int Rule, string Function), DateTimeOffset> _lastSent = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private IDisposable? _subscription;
    private Task? _loop;

    /// <summary>Alerts posted so far (successfully or not); lets tests and the API see the monitor worked.</summary>
    public int Posted { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Alerts.Count == 0)
        {
            return Task.CompletedTask;
        }

        _subscription = feed.Subscribe(change =>
        {
            if (change is RunChange { Applied: true, Status: RunStatus.Completed or RunStatus.Failed } run)
            {
                _finished.Writer.TryWrite(run);
            }
        });
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _finished.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _http.Dispose();
    }

    private async Task LoopAsync()
    {
        await foreach (var run in _finished.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            for (var i = 0; i < options.Alerts.Count; i++)
            {
                var rule = options.Alerts[i];
                if (rule.FunctionId is not null && rule.FunctionId != run.FunctionId)
                {
                    continue;
                }

                if (Evaluate(i, rule, run) is { } message)
                {
                    await PostAsync(rule, message).ConfigureAwait(false);
                }
            }
        }
    }

    private AlertMessage? Evaluate(int index, AlertRule rule, RunChange run)
    {
        var now = time.GetUtcNow();
        var key = (index, run.FunctionId);
        var failed = run.Status == RunStatus.Failed;
        int failures = failed ? 1 : 0, finished = 1;
        if (rule.FailureRateAbove is { } threshold)
        {
            if (!_windows.TryGetValue(key, out var window))
            {
                _windows[key] = window = new Queue<(DateTimeOffset, bool)>();
            }

            window.Enqueue((now, failed));
            while (window.Count > 0 && window.Peek().At <= now - rule.Window)
            {
                window.Dequeue();
            }

            finished = window.Count;
            failures = window.Count(w => w.Failed);
            if (!failed || finished < rule.MinRuns || (double)failures / finished <= threshold)
            {
                return null;
            }
        }
        else if (!failed)
        {
            return null;
        }

        if (_lastSent.TryGetValue(key, out var last) && now - last < rule.Cooldown)
        {
            return null;
        }

        _lastSent[key] = now;
        var kind = rule.FailureRateAbove is null ? "any-failure" : "failure-rate";
        var text = rule.FailureRateAbove is null
            ? $"Baton: run {run.RunId} of {run.FunctionId} failed"
            : $"Baton: {failures} of {finished} runs of {run.FunctionId} failed in the last {rule.Window.TotalMinutes:0.#} min (over {rule.FailureRateAbove:P0})";
        return new AlertMessage(run.FunctionId, run.RunId, null, kind, failures, finished, rule.Window.TotalMilliseconds, now, text);
    }

    private async Task PostAsync(AlertRule rule, AlertMessage message)
    {
        try
        {
            var run = await inspector.GetRunAsync(message.RunId).ConfigureAwait(false);
            message = message with { Error = run?.Error };
            using var response = await _http.PostAsJsonAsync(rule.WebhookUrl, message, ApiJson.Options).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            Log.AlertPosted(logger, message.FunctionId, rule.WebhookUrl, message.Text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or BatonException)
        {
            Log.AlertPostFailed(logger, message.FunctionId, rule.WebhookUrl, e);
        }
        finally
        {
            Posted++;
        }
    }
}

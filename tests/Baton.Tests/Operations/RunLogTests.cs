using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Tests.Operations;

/// <summary>What a run's code writes through <see cref="FunctionContext.Logger"/> is stored with the run.</summary>
public sealed class RunLogTests
{
    [Fact]
    public async Task RunLogs_RetriedStepAndFailingStep_StoredInOrderAndReadAfterRestart()
    {
        using var store = new SharedStore();
        var time = new FakeTimeProvider(BatonTestHost.DefaultStart);
        var hostLogs = new LogSink();
        var attempts = 0;
        void Configure(BatonBuilder b) => b.AddFunction<object>(
            "logged",
            f => f.OnEvent("logs/go").Retries(2),
            async ctx =>
            {
                ctx.Logger.LogInformation("starting {Sku}", "A-1");
                ctx.Logger.LogDebug("below the stored level");
                await ctx.Step.Run("flaky", () =>
                {
                    var attempt = Interlocked.Increment(ref attempts);
                    ctx.Logger.LogWarning("try {Attempt}", attempt);
                    return attempt == 1 ? Task.FromException<int>(new InvalidOperationException("first try fails")) : Task.FromResult(attempt);
                });
                await ctx.Step.Run("broken", () =>
                {
                    try
                    {
                        throw new FormatException("bad price '12,5x'");
                    }
                    catch (FormatException e)
                    {
                        ctx.Logger.LogError(e, "cannot parse the price");
                        throw new NonRetriableException("gave up", e);
                    }
                });
            });

        string runId;
        await using (var first = await BatonTestHost.StartAsync(Configure, services => services.AddSingleton<ILoggerProvider>(hostLogs), store.Path, time: time, useStore: store.UseStore))
        {
            runId = await first.StartRunAsync("logs/go", null, "logged");
            var finished = await first.DriveUntilFinishedAsync("logged", 1);
            Assert.Equal(RunStatus.Failed, finished[0].Status);
        }

        await using var second = await store.StartAsync(_ => { }, time);
        var lines = await second.Inspector.GetRunLogsAsync(new RunLogQuery { RunId = runId });

        Assert.Equal(
            [
                (1, LogLevel.Information, (string?)null, "starting A-1"),
                (2, LogLevel.Warning, "flaky", "try 1"),
                (3, LogLevel.Warning, "flaky", "try 2"),
                (4, LogLevel.Error, "broken", "cannot parse the price"),
            ],
            lines.Select(l => (l.Sequence, l.Level, l.StepId, l.Message)));
        Assert.Contains("System.FormatException: bad price '12,5x'", lines[3].Exception, StringComparison.Ordinal);
        Assert.All(lines.Take(3), l => Assert.Null(l.Exception));
        Assert.Equal([lines[2]], await second.Inspector.GetRunLogsAsync(new RunLogQuery { RunId = runId, After = 2, Limit = 1 }));

        // Still forwarded to the host's logging, also when the code replays after the retry (stored once only).
        Assert.Equal(2, hostLogs.Entries.Count(e => e.Message == "starting A-1" && e.Category == "Baton.Run"));
    }

    [Fact]
    public async Task RunLogs_OverTheCap_KeepsFirstLinesAndOneDroppedMarker()
    {
        await using var host = await BatonTestHost.StartAsync(b => b
            .Configure(o =>
            {
                o.RunLogs.MaxLinesPerRun = 3;
                o.RunLogs.MinimumLevel = LogLevel.Warning;
                o.RunLogs.MaxLineLength = 100;
            })
            .AddFunction<object>("chatty", f => f.OnEvent("logs/chatty"), async ctx =>
            {
                ctx.Logger.LogInformation("below the configured level");
                for (var i = 1; i <= 2; i++)
                {
                    var step = i;
                    await ctx.Step.Run($"s{step}", () =>
                    {
                        for (var n = 1; n <= 3; n++)
                        {
                            ctx.Logger.LogWarning("step {Step} line {Line} {Padding}", step, n, new string('x', 200));
                        }

                        return Task.FromResult(step);
                    });
                }
            }));

        var run = await host.SendAndWaitAsync("logs/chatty", null, "chatty");
        var lines = await host.Inspector.GetRunLogsAsync(new RunLogQuery { RunId = run.Id });

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal([1, 2, 3, 4], lines.Select(l => l.Sequence));
        Assert.Equal(["s1", "s1", "s1"], lines.Take(3).Select(l => l.StepId));
        Assert.All(lines.Take(3), l => Assert.Equal(100, l.Message.Length));
        Assert.StartsWith("step 1 line 1 xxx", lines[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("…", lines[0].Message, StringComparison.Ordinal);
        Assert.Equal(3, lines[3].Dropped);
        Assert.Equal("3 log line(s) dropped: at most 3 lines are kept per run", lines[3].Message);
        Assert.All(lines.Take(3), l => Assert.Equal(0, l.Dropped));
    }

    [Fact]
    public async Task RunLogs_BadQueryOrOptions_Refused()
    {
        await using var host = await BatonTestHost.StartAsync(_ => { });

        await Assert.ThrowsAsync<ArgumentException>(() => host.Inspector.GetRunLogsAsync(new RunLogQuery { RunId = "r", Limit = 0 }));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Inspector.GetRunLogsAsync(new RunLogQuery { RunId = "r", After = -1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Inspector.GetRunLogsAsync(new RunLogQuery { RunId = " " }));
        Assert.Empty(await host.Inspector.GetRunLogsAsync(new RunLogQuery { RunId = "01UNKNOWN" }));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => BatonTestHost.StartAsync(b => b.Configure(o => o.RunLogs.MaxLinesPerRun = 0)));
        Assert.Equal("MaxLinesPerRun", error.ParamName);
    }
}

using Baton.Testing;
using Baton.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Tests.Telemetry;

public sealed class LoggingTests
{
    [Fact]
    public async Task Logs_StepRetriedThenRunFails_AreLoggedWithEventIds()
    {
        var logs = new LogSink();
        await using var host = await BatonTestHost.StartAsync(
            b => b.AddFunction<object>(
                "logged",
                f => f.OnEvent("logged/go").Retries(1),
                async ctx => await ctx.Step.Run("fetch", () => Task.FromException(new InvalidOperationException("upstream 500")))),
            services => services.AddSingleton<ILoggerProvider>(logs));

        var runId = await host.StartRunAsync("logged/go", null, "logged");
        await host.AdvanceThroughRetriesAsync(runId);
        var failed = await logs.WaitForAsync(e => e.EventId.Id == 2001 && e.Message.Contains(runId, StringComparison.Ordinal));

        var retry = Assert.Single(logs.Entries, e => e.EventId.Id == 2002);
        Assert.Equal(LogLevel.Information, retry.Level);
        Assert.Contains("fetch", retry.Message, StringComparison.Ordinal);
        Assert.Contains(runId, retry.Message, StringComparison.Ordinal);
        Assert.Contains("upstream 500", retry.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("logged", failed.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(InvalidOperationException).FullName!, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_WorkerStarts_LogsProviderAndFunctionCount()
    {
        var logs = new LogSink();
        await using var host = await BatonTestHost.StartAsync(
            b => b.AddFunction<object>("a", f => f.OnEvent("x/a"), _ => Task.CompletedTask).AddFunction<object>("b", f => f.OnEvent("x/b"), _ => Task.CompletedTask),
            services => services.AddSingleton<ILoggerProvider>(logs));

        var started = await logs.WaitForAsync(e => e.EventId.Id == 1000);

        var provider = host.Services.GetRequiredService<Baton.Storage.IBatonStore>().ProviderName;
        Assert.Contains($"on {provider} with", started.Message, StringComparison.Ordinal);
        Assert.Contains("2 function(s)", started.Message, StringComparison.Ordinal);
    }
}

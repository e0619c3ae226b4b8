using System.Diagnostics;
using System.Globalization;
using Baton.Bench.Core;
using Baton.Bench.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Bench.Postgres;

/// <summary>
/// One worker node of the multi-node scenario: this benchmark started again as <c>node --connection CS --schema S</c>.
/// It hosts Baton on the shared schema with the single-step function, prints <c>ready</c> once started, then the
/// number of runs it completed (<c>completed N</c>) whenever that changes (checked every 5 ms), and stops when its
/// standard input closes.
/// </summary>
internal static class NodeProcess
{
    public const string Command = "node";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? connection = null;
        string? schema = null;
        for (var i = 1; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--connection":
                    connection = args[i + 1];
                    break;
                case "--schema":
                    schema = args[i + 1];
                    break;
                default:
                    Console.Error.WriteLine($"node: unexpected argument '{args[i]}'");
                    return 2;
            }
        }

        if (connection is null || schema is null)
        {
            Console.Error.WriteLine("usage: Baton.Bench node --connection CS --schema S");
            return 2;
        }

        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter((category, level) => level >= LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var baton = builder.Services.AddBaton().UsePostgres(connection, o => o.Schema = schema);
        baton.Configure(BatonBench.Defaults);
        SingleStepScenario.Function(baton);
        using var host = builder.Build();
        var completed = 0;
        using var subscription = host.Services.GetRequiredService<ChangeFeed>().Subscribe(change =>
        {
            if (change is RunChange { Applied: true, Status: RunStatus.Completed })
            {
                Interlocked.Increment(ref completed);
            }
        });
        await host.StartAsync();
        Console.Out.WriteLine("ready");
        Console.Out.Flush();

        var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
        var reported = 0;
        while (!stdinClosed.IsCompleted)
        {
            var now = Volatile.Read(ref completed);
            if (now != reported)
            {
                reported = now;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"completed {now}"));
                Console.Out.Flush();
            }

            await Task.Delay(5);
        }

        await host.StopAsync();
        return 0;
    }
}

/// <summary>A running <see cref="NodeProcess"/>, as the parent sees it: ready, and how many runs it completed.</summary>
internal sealed class NodeHandle : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private int _completed;

    private NodeHandle(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    public int Completed => Volatile.Read(ref _completed);

    public Task Ready => _ready.Task;

    public static NodeHandle Start(string connectionString, string schema)
    {
        var (fileName, prefix) = ChildProcess.Self();
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in (string[])[.. prefix, NodeProcess.Command, "--connection", connectionString, "--schema", schema])
        {
            start.ArgumentList.Add(argument);
        }

        return new NodeHandle(Process.Start(start) ?? throw new InvalidOperationException("could not start a node process"));
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _reader;
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "ready")
            {
                _ready.TrySetResult();
            }
            else if (line.StartsWith("completed ", StringComparison.Ordinal))
            {
                Volatile.Write(ref _completed, int.Parse(line.AsSpan(10), CultureInfo.InvariantCulture));
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }

        _ready.TrySetException(new InvalidOperationException($"a node process ended (exit code {(_process.HasExited ? _process.ExitCode : -1)}) before it was ready"));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Baton.TestSupport;

namespace Crawler.Tests.EndToEnd;

/// <summary>
/// A <c>Crawler.TestWorker</c> process: the crawler's functions, adapter, listings store and Baton worker, on a clock
/// the test sets through the process's standard input. The worker prints a line per commit; <see cref="Commits"/> is
/// released for each, so the test waits on the worker's commits, never on wall time. Killed with SIGKILL by the test.
/// </summary>
internal sealed class CrawlerWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CrawlerWorkerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Released once per change the worker committed (a run claimed, a step recorded, a run parked or finished).</summary>
    public SemaphoreSlim Commits { get; } = new(0);

    /// <summary>What the worker logged on standard error (warnings and errors), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the worker with its clock at <paramref name="now"/> and returns once its host has started.</summary>
    public static async Task<CrawlerWorkerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, DateTimeOffset now)
    {
        var start = new ProcessStartInfo(WorkerProcesses.DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerProcesses.Assembly("Crawler.TestWorker"));
        start.ArgumentList.Add(now.ToString("O", CultureInfo.InvariantCulture));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var worker = new CrawlerWorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLog(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (await Task.WhenAny(worker._ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2))) != worker._ready.Task)
        {
            worker.Kill();
            throw new InvalidOperationException($"Crawler.TestWorker did not start:\n{worker.Log}");
        }

        return worker;
    }

    /// <summary>Moves the worker's clock to <paramref name="now"/> (it never moves back), firing every timer due on the way.</summary>
    public void SetClock(DateTimeOffset now)
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.WriteLine(now.ToString("O", CultureInfo.InvariantCulture));
            _process.StandardInput.Flush();
        }
    }

    /// <summary>Kills the process at once (SIGKILL on Linux and macOS): no graceful shutdown, whatever step is in flight is lost.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        Commits.Dispose();
    }

    private void OnOutput(string? line)
    {
        switch (line)
        {
            case "READY":
                _ready.TrySetResult();
                break;
            case "CHANGE":
                Commits.Release();
                break;
        }
    }

    private void OnLog(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}

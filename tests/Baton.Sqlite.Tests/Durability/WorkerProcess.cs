using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Baton.TestSupport;

namespace Baton.Sqlite.Tests.Durability;

/// <summary>
/// A running <c>Baton.TestWorker</c> process. The test waits on the lines it prints (never on wall time),
/// each wait bounded by a generous guard so a stuck worker fails the test with its transcript.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _transcript = new();

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the worker printed so far (stdout and stderr), for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return _transcript.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet Baton.TestWorker.dll</c> with <paramref name="arguments"/>.</summary>
    public static WorkerProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(WorkerProcesses.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerProcesses.Assembly("Baton.TestWorker"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                worker._lines.Writer.TryComplete();
                return;
            }

            worker.Append("out: " + e.Data);
            worker._lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                worker.Append("err: " + e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Reads stdout until a line starts with <paramref name="prefix"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(guard.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The worker printed no '{prefix}' line within {Guard}. Transcript:\n{Transcript}");
        }

        throw new InvalidOperationException($"The worker exited (code {ExitCode()}) without printing a '{prefix}' line. Transcript:\n{Transcript}");
    }

    /// <summary>Kills the worker with SIGKILL (no shutdown code runs), waits until it is gone and returns its exit code.</summary>
    public Task<int> KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        return WaitForExitAsync();
    }

    /// <summary>Waits until the worker exits and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await _process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The worker did not exit within {Guard}. Transcript:\n{Transcript}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private string ExitCode() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";

    private void Append(string line)
    {
        lock (_transcript)
        {
            _transcript.AppendLine(line);
        }
    }
}

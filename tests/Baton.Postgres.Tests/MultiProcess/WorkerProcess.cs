using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Baton.TestSupport;

namespace Baton.Postgres.Tests.MultiProcess;

/// <summary>One stdout line of a worker, tagged with the worker that printed it.</summary>
internal readonly record struct WorkerLine(WorkerProcess Worker, string Text);

/// <summary>
/// A running <c>Baton.TestWorker</c> process on PostgreSQL. Its stdout lines go to a channel shared by all workers of a
/// test, so the test paces itself on what the workers report (never on wall time).
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int TranscriptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _transcript = new();
    private bool _disposed;

    private WorkerProcess(Process process, int slot, string journal)
    {
        _process = process;
        Slot = slot;
        JournalPath = journal;
    }

    /// <summary>The position this process fills among the test's workers (a restarted worker takes its slot).</summary>
    public int Slot { get; }

    /// <summary>This process's own journal file.</summary>
    public string JournalPath { get; }

    public int Pid { get; private set; }

    /// <summary>Set by the test before it kills the process, so an exit of its own can be told apart.</summary>
    public bool Killed { get; private set; }

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>The last lines the worker printed (stdout and stderr), for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return $"worker {Slot} (pid {Pid}):\n" + string.Join('\n', _transcript);
            }
        }
    }

    public static WorkerProcess Start(int slot, string journal, ChannelWriter<WorkerLine> lines, params string[] arguments)
    {
        var start = new ProcessStartInfo(WorkerProcesses.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerProcesses.Assembly("Baton.TestWorker"));
        foreach (var argument in (string[])[.. arguments, "--journal", journal])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var worker = new WorkerProcess(process, slot, journal);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                worker.Append("out: " + e.Data);
                lines.TryWrite(new WorkerLine(worker, e.Data));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                worker.Append("err: " + e.Data);
            }
        };
        process.Start();
        worker.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Kills the worker with SIGKILL (no shutdown code runs) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        Killed = true;
        _process.Kill(entireProcessTree: true);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(guard.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Append(string line)
    {
        lock (_transcript)
        {
            _transcript.Enqueue(line);
            if (_transcript.Count > TranscriptLines)
            {
                _transcript.Dequeue();
            }
        }
    }
}

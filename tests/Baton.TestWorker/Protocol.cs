using System.Text;

namespace Baton.TestWorker;

/// <summary>Writes the lines the tests read: protocol lines on stdout, step executions in the journal file.</summary>
internal sealed class Protocol(string journalPath)
{
    private readonly object _gate = new();

    /// <summary>Writes one protocol line and flushes it, so the test sees it before anything that follows.</summary>
    public void Say(string line)
    {
        lock (_gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>
    /// Appends one line to the journal and flushes it to the operating system before returning, so a SIGKILL right
    /// after cannot lose it (the kernel keeps what was written; only a power loss would need an fsync).
    /// </summary>
    public void Journal(string line)
    {
        lock (_gate)
        {
            using var stream = new FileStream(journalPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
            stream.Flush();
        }
    }
}

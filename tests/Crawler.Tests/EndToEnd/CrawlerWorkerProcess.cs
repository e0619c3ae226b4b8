using System.Diagnostics;
using System.Text;

namespace Crawler.Tests.EndToEnd;

/// <summary>The crawler app as a separate worker process (the real <c>Crawler.dll</c>), killed and restarted by tests.</summary>
internal sealed class CrawlerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CrawlerProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static CrawlerProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Crawler.dll"));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var crawler = new CrawlerProcess(process);
        process.OutputDataReceived += (_, e) => crawler.Append(e.Data);
        process.ErrorDataReceived += (_, e) => crawler.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return crawler;
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
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

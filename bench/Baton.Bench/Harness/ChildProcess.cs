using System.Diagnostics;
using System.Reflection;

namespace Baton.Bench.Harness;

/// <summary>Starts a child process, hands each stdout line to a callback and lets stderr pass straight through.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> and returns its exit code.</summary>
    public static async Task<int> RunAsync(string fileName, IEnumerable<string> arguments, Action<string> onLine, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                onLine(line);
            }

            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>The command that starts this benchmark again: its apphost, or <c>dotnet Baton.Bench.dll</c>.</summary>
    public static (string FileName, IReadOnlyList<string> Prefix) Self()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("the process path is unknown");
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return (processPath, [Assembly.GetEntryAssembly()!.Location]);
        }

        return (processPath, []);
    }
}

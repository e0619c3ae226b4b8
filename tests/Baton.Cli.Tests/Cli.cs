using Baton.Cli;

namespace Baton.Cli.Tests;

/// <summary>Runs the baton command in-process against an app, with given stdin and environment, capturing its output.</summary>
public sealed class Cli(Uri url, string input = "", Dictionary<string, string>? environment = null)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public StringWriter Out { get; } = new();

    public SignalWriter Error { get; } = new();

    public async Task<int> RunAsync(params string[] args) => await RunAsync(CancellationToken.None, args);

    public async Task<int> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var console = new CliConsole(new StringReader(input), Out, Error, Redirected: true);
        return await CliApp.RunAsync(["--url", url.ToString(), .. args], console, Http, name => environment?.GetValueOrDefault(name), cancellationToken);
    }

    /// <summary>A text writer that can be awaited for a piece of text.</summary>
    public sealed class SignalWriter : StringWriter
    {
        private readonly SemaphoreSlim _written = new(0);

        public override void Write(char value)
        {
            base.Write(value);
            _written.Release();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            _written.Release();
        }

        public async Task WaitForAsync(string text)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!ToString().Contains(text, StringComparison.Ordinal))
            {
                await _written.WaitAsync(timeout.Token);
            }
        }
    }
}

using Baton.Cli;

using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var console = new CliConsole(Console.In, Console.Out, Console.Error, Console.IsOutputRedirected);
return await CliApp.RunAsync(args, console, http, Environment.GetEnvironmentVariable, stop.Token).ConfigureAwait(false);

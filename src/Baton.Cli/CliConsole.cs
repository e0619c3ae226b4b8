namespace Baton.Cli;

/// <summary>Where the CLI reads answers to prompts and writes output, so tests can drive it in-process.</summary>
/// <param name="In">Answers to confirmation prompts.</param>
/// <param name="Out">Results.</param>
/// <param name="Error">Errors and prompts.</param>
/// <param name="Redirected">True when output is not a terminal: progress is written as lines instead of redrawn in place.</param>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, bool Redirected);

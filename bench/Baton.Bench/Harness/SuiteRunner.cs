using System.Diagnostics;

namespace Baton.Bench.Harness;

/// <summary>
/// Runs a suite's scenarios in order. By default each scenario runs in a fresh child process (the same
/// benchmark with <c>--scenario X --in-process</c>), so one scenario's heap, JIT state and threads cannot
/// colour the next one's figures, and a memory figure is the scenario's own.
/// </summary>
internal sealed class SuiteRunner
{
    private readonly BenchArgs _args;
    private readonly FigureWriter _figures;

    public SuiteRunner(BenchArgs args, FigureWriter figures)
    {
        _args = args;
        _figures = figures;
    }

    /// <summary>Runs the suite; returns the process exit code (0 when every scenario succeeded).</summary>
    public async Task<int> RunAsync(ISuite suite)
    {
        var selected = Select(suite, out var unknown);
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"unknown scenario(s) for suite '{suite.Name}': {string.Join(", ", unknown)}; known: {string.Join(", ", suite.Scenarios.Select(s => s.Name))}");
            return 2;
        }

        await using var shared = await suite.PrepareAsync(_args);
        if (_args.Child)
        {
            // Started by a parent runner for one scenario: it reports the progress around it.
            return await RunHereAsync(suite, selected[0]) ? 0 : 1;
        }

        var failures = 0;
        var total = Stopwatch.StartNew();
        foreach (var scenario in selected)
        {
            var clock = Stopwatch.StartNew();
            Console.Error.WriteLine($"[{suite.Name}/{scenario.Name}] starting{(_args.Quick ? " (quick)" : "")}; load average {LoadAverage()}");
            var ok = _args.InProcess ? await RunHereAsync(suite, scenario) : await RunInChildAsync(suite, scenario);
            failures += ok ? 0 : 1;
            Console.Error.WriteLine($"[{suite.Name}/{scenario.Name}] {(ok ? "done" : "FAILED")} in {clock.Elapsed.TotalSeconds:F1} s; load average {LoadAverage()}");
        }

        Console.Error.WriteLine($"[{suite.Name}] {selected.Count - failures} of {selected.Count} scenario(s) succeeded in {total.Elapsed.TotalSeconds:F1} s");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>The machine is shared: the 1/5/15-minute load averages say how much else was running.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private List<IScenario> Select(ISuite suite, out List<string> unknown)
    {
        unknown = [.. _args.Scenarios.Where(name => suite.Scenarios.All(s => s.Name != name))];
        return _args.Scenarios.Count == 0 ? [.. suite.Scenarios] : [.. suite.Scenarios.Where(s => _args.Scenarios.Contains(s.Name))];
    }

    private async Task<bool> RunHereAsync(ISuite suite, IScenario scenario)
    {
        try
        {
            await scenario.RunAsync(new ScenarioContext(suite.Name, scenario.Name, _args, _figures, suite.Store()));
            return true;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"[{suite.Name}/{scenario.Name}] failed: {e}");
            return false;
        }
    }

    private async Task<bool> RunInChildAsync(ISuite suite, IScenario scenario)
    {
        var (fileName, prefix) = ChildProcess.Self();
        var exitCode = await ChildProcess.RunAsync(fileName, [.. prefix, .. _args.ForChild(scenario.Name)], line =>
        {
            if (line.StartsWith('{'))
            {
                _figures.WriteRaw(line);
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        });
        return exitCode == 0;
    }
}

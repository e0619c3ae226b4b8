// Baton's benchmark harness: dotnet run -c Release --project bench/Baton.Bench -- core|postgres [--quick]
// Figures go to stdout as JSON lines; progress and diagnostics go to stderr. See docs/benchmarks.md.
using Baton.Bench.Harness;
using Baton.Bench.Postgres;

if (args.Length > 0 && args[0] == NodeProcess.Command)
{
    // A worker node of a multi-node scenario, started by the benchmark itself.
    return await NodeProcess.RunAsync(args);
}

var parsed = BenchArgs.Parse(args, out var error);
if (parsed is null)
{
    if (!string.IsNullOrEmpty(error))
    {
        Console.Error.WriteLine(error);
    }

    Console.Error.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, BenchArgs.Usage, string.Join(", ", SuiteCatalog.All.Select(s => s.Name))));
    return error == "" ? 0 : 2;
}

if (SuiteCatalog.Find(parsed.Suite) is not { } suite)
{
    Console.Error.WriteLine($"unknown suite '{parsed.Suite}'; known: {string.Join(", ", SuiteCatalog.All.Select(s => s.Name))}");
    return 2;
}

return await new SuiteRunner(parsed, new FigureWriter(Console.Out)).RunAsync(suite);

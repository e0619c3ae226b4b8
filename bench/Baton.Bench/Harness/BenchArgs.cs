namespace Baton.Bench.Harness;

/// <summary>
/// The command line: <c>SUITE [--quick] [--scenario a,b] [--in-process] [--profile] [--no-peers]</c>. Unknown flags are
/// errors, so a typo never silently runs the full benchmark.
/// </summary>
internal sealed record BenchArgs
{
    public const string Usage =
        """
        usage: dotnet run -c Release --project bench/Baton.Bench -- SUITE [options]
          SUITE              one of: {0}
          --quick            reduced sizes (the whole core suite in under a minute)
          --scenario a,b     run only these scenarios of the suite
          --in-process       run every scenario in this process (default: each in a fresh child process)
          --profile          time every storage call and print a breakdown to stderr
          --no-peers         skip the peers (Hangfire); Baton's figures only
        Figures go to stdout, one JSON object per line; progress goes to stderr.
        """;

    public required string Suite { get; init; }

    public bool Quick { get; init; }

    public IReadOnlyList<string> Scenarios { get; init; } = [];

    public bool InProcess { get; init; }

    public bool Profile { get; init; }

    public bool NoPeers { get; init; }

    /// <summary>Set by the runner when it starts this process for one scenario: the parent does the talking.</summary>
    public bool Child { get; init; }

    /// <summary>Parses arguments; returns null with <paramref name="error"/> set when they are not valid.</summary>
    public static BenchArgs? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? suite = null;
        var quick = false;
        var inProcess = false;
        var profile = false;
        var child = false;
        var noPeers = false;
        var scenarios = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--quick":
                    quick = true;
                    break;
                case "--in-process":
                    inProcess = true;
                    break;
                case "--profile":
                    profile = true;
                    break;
                case "--no-peers":
                    noPeers = true;
                    break;
                case "--child":
                    child = true;
                    inProcess = true;
                    break;
                case "--scenario":
                    if (i + 1 >= args.Count)
                    {
                        error = "--scenario needs a value";
                        return null;
                    }

                    scenarios.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "-h" or "--help":
                    error = "";
                    return null;
                default:
                    if (arg.StartsWith('-') || suite is not null)
                    {
                        error = $"unexpected argument '{arg}'";
                        return null;
                    }

                    suite = arg;
                    break;
            }
        }

        if (suite is null)
        {
            error = "no suite given";
            return null;
        }

        return new BenchArgs { Suite = suite, Quick = quick, Scenarios = scenarios, InProcess = inProcess, Profile = profile, Child = child, NoPeers = noPeers };
    }

    /// <summary>The arguments that make a child process run one scenario of this suite the same way.</summary>
    public IReadOnlyList<string> ForChild(string scenario)
    {
        var args = new List<string> { Suite, "--scenario", scenario, "--child" };
        if (Quick)
        {
            args.Add("--quick");
        }

        if (Profile)
        {
            args.Add("--profile");
        }

        if (NoPeers)
        {
            args.Add("--no-peers");
        }

        return args;
    }
}

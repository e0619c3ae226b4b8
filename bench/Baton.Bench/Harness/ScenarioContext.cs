namespace Baton.Bench.Harness;

/// <summary>What a scenario gets: its size, a place for temporary files, and where to report figures and progress.</summary>
internal sealed class ScenarioContext
{
    private readonly FigureWriter _figures;

    public ScenarioContext(string suite, string scenario, BenchArgs args, FigureWriter figures, BenchStore? store = null)
    {
        Store = store ?? BenchStore.Sqlite;
        Suite = suite;
        Scenario = scenario;
        Quick = args.Quick;
        Profile = args.Profile;
        Peers = !args.NoPeers;
        _figures = figures;
    }

    public string Suite { get; }

    public string Scenario { get; }

    /// <summary>Where the scenario's hosts keep their state: SQLite (core) or PostgreSQL (postgres).</summary>
    public BenchStore Store { get; }

    /// <summary>Reduced sizes: the whole suite in under a minute.</summary>
    public bool Quick { get; }

    /// <summary>Time storage calls and print a breakdown to stderr.</summary>
    public bool Profile { get; }

    /// <summary>Run the peers (Hangfire) next to Baton.</summary>
    public bool Peers { get; }

    /// <summary>Picks the quick or the full size.</summary>
    public T Size<T>(T full, T quick) => Quick ? quick : full;

    /// <summary>Reports one figure.</summary>
    public void Report(string metric, double value, string unit) => _figures.Write(new Figure(Suite, Scenario, metric, value, unit));

    /// <summary>Reports a figure measured side by side with a peer; the ratio is Baton's value over the peer's.</summary>
    public void Report(string metric, double value, string unit, string peer, double peerValue)
        => _figures.Write(new Figure(Suite, Scenario, metric, value, unit, peer, peerValue, peerValue == 0 ? null : value / peerValue));

    /// <summary>Progress and diagnostics, on stderr.</summary>
    public void Log(string message) => Console.Error.WriteLine($"[{Suite}/{Scenario}] {message}");
}

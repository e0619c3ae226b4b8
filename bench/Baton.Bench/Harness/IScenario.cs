namespace Baton.Bench.Harness;

/// <summary>One measured scenario of a suite, e.g. <c>single-step</c>.</summary>
internal interface IScenario
{
    /// <summary>Name on the command line and in the figures.</summary>
    string Name { get; }

    /// <summary>Runs the scenario and reports its figures through <paramref name="context"/>.</summary>
    Task RunAsync(ScenarioContext context);
}

/// <summary>A named group of scenarios, run by <c>bench SUITE</c>.</summary>
internal interface ISuite
{
    /// <summary>Name on the command line and in the figures, e.g. <c>core</c>.</summary>
    string Name { get; }

    /// <summary>Scenarios in the order they run.</summary>
    IReadOnlyList<IScenario> Scenarios { get; }

    /// <summary>
    /// Starts what every scenario of the suite shares (a database server) before the first one runs, in the parent
    /// process; child processes inherit what it sets in the environment. Disposed after the last scenario.
    /// </summary>
    Task<IAsyncDisposable?> PrepareAsync(BenchArgs args) => Task.FromResult<IAsyncDisposable?>(null);

    /// <summary>Where the scenarios' hosts keep their state (called after <see cref="PrepareAsync"/>). Default is SQLite.</summary>
    BenchStore Store() => BenchStore.Sqlite;
}

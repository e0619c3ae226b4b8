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
}

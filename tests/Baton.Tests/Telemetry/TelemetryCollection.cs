namespace Baton.Tests.Telemetry;

/// <summary>
/// Baton's meter and activity source are process-wide; some instruments (steps in flight) carry no function tag.
/// Telemetry tests therefore run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

namespace Baton.Bench.Harness;

/// <summary>
/// One measured figure. <see cref="Ratio"/> is Baton's value divided by the peer's (for throughput, above 1
/// means Baton is faster).
/// </summary>
internal sealed record Figure(
    string Suite,
    string Scenario,
    string Metric,
    double Value,
    string Unit,
    string? Peer = null,
    double? PeerValue = null,
    double? Ratio = null);

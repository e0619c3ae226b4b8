using System.Diagnostics;

namespace Baton.TestWorker;

/// <summary>Payload of a flow proof run: its concurrency key.</summary>
internal sealed record FlowProofRequest(string Key);

/// <summary>
/// The flow-control proof's function (Baton.Postgres.Tests/MultiProcess): concurrency 2 per key, one step that journals
/// its entry and exit with the machine's monotonic clock (one clock for every process on the machine), so the test can
/// rebuild how many steps of each key were executing at every instant.
/// </summary>
internal static class FlowProof
{
    public const string FunctionId = "proof/flow";
    public const string EventName = "proof/flow";
    public const int Limit = 2;
    public const string Key = "event.data.key";

    public static BatonBuilder AddFlowProof(this BatonBuilder builder, Protocol protocol)
        => builder.AddFunction<FlowProofRequest>(
            FunctionId,
            f => f.OnEvent(EventName).Concurrency(Limit, Key),
            ctx => ctx.Step.Run("work", async () =>
            {
                protocol.Journal($"enter {ctx.Data.Key} {ctx.RunId} {Stopwatch.GetTimestamp()}");

                // A little real work, so that steps of one key would overlap if the limit let them.
                await Task.Delay(2);
                protocol.Journal($"exit {ctx.Data.Key} {ctx.RunId} {Stopwatch.GetTimestamp()}");
                protocol.Say("STEP-DONE work");
            }));
}

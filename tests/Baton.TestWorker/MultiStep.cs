namespace Baton.TestWorker;

/// <summary>Payload of the trigger event: how many steps the run has.</summary>
internal sealed record MultiStepRequest(int Steps);

/// <summary>The function the worker runs: <c>step-1</c> … <c>step-n</c> in sequence, each journaled and reported.</summary>
internal static class MultiStep
{
    public const string FunctionId = "durability/multi-step";
    public const string EventName = "durability/multi-step.requested";

    public static BatonBuilder AddMultiStep(this BatonBuilder builder, Protocol protocol, string? blockAtStep)
        => builder.AddFunction<MultiStepRequest, string[]>(
            FunctionId,
            f => f.OnEvent(EventName),
            async ctx =>
            {
                var results = new string[ctx.Data.Steps];
                for (var i = 0; i < results.Length; i++)
                {
                    var stepId = $"step-{i + 1}";
                    results[i] = await ctx.Step.Run(stepId, token => ExecuteAsync(protocol, ctx.RunId, stepId, stepId == blockAtStep, token));
                }

                return results;
            });

    private static async Task<string> ExecuteAsync(Protocol protocol, string runId, string stepId, bool block, CancellationToken cancellationToken)
    {
        protocol.Journal($"exec {runId} {stepId}");
        protocol.Say($"STEP-START {stepId}");
        if (block)
        {
            // Held in flight until the test kills the process.
            await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
        }

        protocol.Say($"STEP-DONE {stepId}");

        // The output names the process, so the database shows which worker computed each step.
        return $"{stepId} by {Environment.ProcessId}";
    }
}

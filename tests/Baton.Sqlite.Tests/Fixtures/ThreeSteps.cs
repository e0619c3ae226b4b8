namespace Baton.Sqlite.Tests.Fixtures;

/// <summary>
/// A function of three sequential <c>Run</c> steps, registered per host: each step body is journaled with the
/// host's name and returns <c>"step-n by host"</c>, so outputs show which host computed each step.
/// </summary>
internal static class ThreeSteps
{
    public const string FunctionId = "durability/three-steps";
    public const string EventName = "durability/three-steps.requested";

    public static readonly string[] StepIds = ["step-1", "step-2", "step-3"];

    /// <summary>Registers the function as <paramref name="host"/> runs it; with <paramref name="holdStep2"/>, step-2 stays in flight until the gate opens.</summary>
    public static BatonBuilder AddThreeSteps(this BatonBuilder builder, string host, StepJournal journal, Gate? holdStep2 = null)
        => builder.AddFunction<object, string[]>(
            FunctionId,
            f => f.OnEvent(EventName),
            async ctx =>
            {
                var outputs = new List<string>();
                foreach (var step in StepIds)
                {
                    outputs.Add(await ctx.Step.Run(step, async () =>
                    {
                        journal.Record(host, step);
                        if (step == "step-2" && holdStep2 is not null)
                        {
                            await holdStep2.WaitAsync();
                        }

                        return $"{step} by {host}";
                    }));
                }

                return outputs.ToArray();
            });

    /// <summary>The run output when each step was computed by the given host.</summary>
    public static string Output(string step1, string step2, string step3)
        => $"[\"step-1 by {step1}\",\"step-2 by {step2}\",\"step-3 by {step3}\"]";
}

using Baton.Bench.Harness;

namespace Baton.Bench.Core;

/// <summary>Runs of ten sequential no-op steps, end to end: steps per second. Target: 50,000 steps/s.</summary>
internal sealed class TenStepScenario : IScenario
{
    private const string EventName = "bench/ten-step";
    private const int StepsPerRun = 10;
    private static readonly string[] StepNames = [.. Enumerable.Range(0, StepsPerRun).Select(i => $"step-{i}")];

    public string Name => "ten-step";

    private static void Function(BatonBuilder baton)
        => baton.AddFunction<object>("ten-step", f => f.OnEvent(EventName), async ctx =>
        {
            foreach (var name in StepNames)
            {
                await ctx.Step.Run(name, () => Task.CompletedTask);
            }
        });

    public async Task RunAsync(ScenarioContext context)
    {
        var runs = context.Size(20_000, 2_000);
        await Throughput.MeasureAsync(context, EventName, context.Size(2_000, 500), Function, label: "warm-up");
        var result = await Throughput.MedianAsync(context, context.Size(3, 1), () => Throughput.MeasureAsync(context, EventName, runs, Function));
        context.Report("throughput", result.RunsPerSecond * StepsPerRun, "steps/s");
        context.Report("run_throughput", result.RunsPerSecond, "runs/s");
        context.Report("cpu_per_step", result.CpuMicrosecondsPerRun / StepsPerRun, "us");
        context.Report("alloc_per_step", result.AllocatedBytesPerRun / StepsPerRun, "bytes");
    }
}

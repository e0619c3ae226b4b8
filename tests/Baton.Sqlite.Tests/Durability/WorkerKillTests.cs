using Baton.Sqlite.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Baton.Sqlite.Tests.Durability;

/// <summary>
/// Invariant 3 with real processes: a worker SIGKILLed in the middle of a multi-step run loses only the step in
/// flight; the next worker completes the run without executing the committed steps again.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class WorkerKillTests(ITestOutputHelper output)
{
    private static readonly string[] Steps = ["step-1", "step-2", "step-3", "step-4", "step-5"];

    [Fact]
    public async Task Worker_KilledMidStep_NextWorkerCompletesRunRepeatingOnlyTheStepInFlight()
    {
        using var db = new TempDatabase();
        var journal = db.PathOf("journal.txt");
        var eventId = "kill-test-" + Guid.NewGuid().ToString("N");

        string firstPid;
        await using (var first = WorkerProcess.Start("--db", db.Path, "--journal", journal, "--send", eventId, "--block", "step-3"))
        {
            using var transcript = new Transcript(output, "first worker", first);
            firstPid = (await first.WaitForLineAsync("READY ")).Split(' ')[1];
            await first.WaitForLineAsync("SENT ");
            await first.WaitForLineAsync("STEP-START step-3");

            // 128 + 9: the process died of SIGKILL; none of its shutdown code ran.
            Assert.Equal(137, await first.KillAsync());
        }

        string secondPid;
        string runId;
        await using (var second = WorkerProcess.Start("--db", db.Path, "--journal", journal))
        {
            using var transcript = new Transcript(output, "second worker", second);
            secondPid = (await second.WaitForLineAsync("READY ")).Split(' ')[1];
            var done = (await second.WaitForLineAsync("RUN-DONE ")).Split(' ');
            runId = done[1];
            Assert.True(done[2] == "Completed", second.Transcript);
            Assert.Equal(0, await second.WaitForExitAsync());
        }

        output.WriteLine("journal:\n" + File.ReadAllText(journal));

        // The journal has one line per execution of a step body, the killed one included.
        var executions = File.ReadAllLines(journal).Select(line => line.Split(' ')).ToArray();
        Assert.All(executions, e => Assert.Equal(["exec", runId], e[..2]));
        Assert.Equal(["step-1", "step-2", "step-3", "step-3", "step-4", "step-5"], executions.Select(e => e[2]));

        // The database, read through the engine's inspector in a process that runs no worker.
        var services = new ServiceCollection();
        services.AddBaton().UseSqlite(db.Path).Configure(o => o.RunWorker = false);
        await using var provider = services.BuildServiceProvider();
        var inspector = provider.GetRequiredService<IBatonInspector>();
        var run = await inspector.GetRunAsync(runId);
        Assert.NotNull(run);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(eventId, run.EventId);
        var steps = await inspector.GetStepsAsync(runId);
        Assert.Equal(Steps, steps.Select(s => s.Id));
        Assert.All(steps, s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.Equal(
            [$"\"step-1 by {firstPid}\"", $"\"step-2 by {firstPid}\"", $"\"step-3 by {secondPid}\"", $"\"step-4 by {secondPid}\"", $"\"step-5 by {secondPid}\""],
            steps.Select(s => s.Output));
    }

    /// <summary>Writes a worker's transcript to the test output when the block ends, even if an assertion failed.</summary>
    private sealed class Transcript(ITestOutputHelper output, string name, WorkerProcess worker) : IDisposable
    {
        public void Dispose() => output.WriteLine($"{name}:\n{worker.Transcript}");
    }
}

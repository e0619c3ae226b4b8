using System.Diagnostics;
using Baton.Bench.Harness;
using Baton.Bench.Profiling;
using Baton.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Bench.Core;

/// <summary>
/// N runs that each sleep an hour (durably): the worker's working set once all are sleeping (target ≤ 300 MB
/// at 100,000); then a fake clock (this scenario's own <see cref="TimeProvider"/>) jumps an hour and all of
/// them wake at once: the drain rate, against the single-step rate measured in the same process.
/// </summary>
internal sealed class SleepersScenario : IScenario
{
    private const string EventName = "bench/sleepers";
    private static readonly TimeSpan Nap = TimeSpan.FromHours(1);

    public string Name => "sleepers";

    private static void Function(BatonBuilder baton)
        => baton.AddFunction<object>("sleepers", f => f.OnEvent(EventName), ctx => ctx.Step.Sleep("nap", Nap));

    public async Task RunAsync(ScenarioContext context)
    {
        var runs = context.Size(100_000, 10_000);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        double drainRate;
        await using (var bench = await BatonBench.StartAsync(context, Function, time: time))
        {
            var worker = bench.Services.GetRequiredService<BatonWorker>();
            using (var sleeping = bench.Count(RunStatus.Sleeping, runs))
            {
                var meter = ResourceMeter.Start();
                var started = Stopwatch.GetTimestamp();
                await bench.SendAsync(EventName, runs);
                var parked = await sleeping.WhenReachedAsync(TimeSpan.FromMinutes(10));
                var usage = meter.Stop();
                var elapsed = Stopwatch.GetElapsedTime(started, parked);
                context.Log($"{runs} runs sleeping after {elapsed.TotalSeconds:F2} s ({runs / elapsed.TotalSeconds:F0} runs/s); {usage}; " +
                            $"{usage.Cpu.TotalMicroseconds / runs:F0} us cpu/run, {usage.AllocatedBytes / runs} B/run");
                if (bench.Profile is { } parkProfile)
                {
                    Console.Error.Write(parkProfile.Describe(elapsed, runs, "run"));
                }

                context.Report("park_rate", runs / elapsed.TotalSeconds, "runs/s");
            }

            // A run's Sleeping change is published when its suspension commits; the worker lets go of the
            // execution a moment later. Measure once it has let go of all of them.
            var settle = Stopwatch.StartNew();
            while (worker.InFlight > 0 && settle.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(10);
            }

            var memory = MemorySnapshot.Take();
            context.Log($"all sleeping: {memory}; runs held in memory by the worker: {worker.InFlight}");
            context.Report("working_set", memory.WorkingSetMegabytes, "MB");
            context.Report("runs_in_memory", worker.InFlight, "runs");
            var collected = MemorySnapshot.TakeAfterFullCollection();
            context.Log($"after a full GC: {collected}");
            context.Report("working_set_after_gc", collected.WorkingSetMegabytes, "MB");
            context.Report("managed_heap_after_gc", collected.ManagedHeapMegabytes, "MB");

            using var completed = bench.Count(RunStatus.Completed, runs);
            bench.Profile?.Reset();
            using var allocations = context.Profile ? new AllocationSampler() : null;
            allocations?.Start();
            var drainMeter = ResourceMeter.Start();
            var wake = Stopwatch.GetTimestamp();
            time.Advance(Nap);
            var drained = await completed.WhenReachedAsync(TimeSpan.FromMinutes(10));
            var drainUsage = drainMeter.Stop();
            var drainTook = Stopwatch.GetElapsedTime(wake, drained);
            drainRate = runs / drainTook.TotalSeconds;
            context.Log($"drain: {runs} runs woke and completed in {drainTook.TotalSeconds:F2} s = {drainRate:F0} runs/s; {drainUsage}; " +
                        $"{drainUsage.Cpu.TotalMicroseconds / runs:F0} us cpu/run, {drainUsage.AllocatedBytes / runs} B/run");
            if (bench.Profile is { } profile)
            {
                Console.Error.Write(profile.Describe(drainTook, runs, "run"));
            }

            if (allocations is not null)
            {
                allocations.Stop();
                Console.Error.Write(allocations.Describe(20, runs, "run"));
            }

            context.Report("drain_rate", drainRate, "runs/s");
            context.Report("peak_working_set", MemorySnapshot.Take().PeakWorkingSetMegabytes, "MB");
        }

        // The reference: the single-step scenario's work at the same N, in this process, on the real clock.
        var reference = await Throughput.MeasureAsync(context, SingleStepScenario.EventName, runs, SingleStepScenario.Function, label: "single-step reference");
        context.Report("single_step_rate", reference.RunsPerSecond, "runs/s");
        context.Report("drain_vs_single_step", drainRate / reference.RunsPerSecond, "ratio");
    }

    /// <summary>The process's memory as the operating system and the GC see it.</summary>
    private sealed record MemorySnapshot(double WorkingSetMegabytes, double PeakWorkingSetMegabytes, double ManagedHeapMegabytes)
    {
        public static MemorySnapshot Take()
        {
            using var process = Process.GetCurrentProcess();
            return new MemorySnapshot(process.WorkingSet64 / 1048576.0, process.PeakWorkingSet64 / 1048576.0, GC.GetTotalMemory(forceFullCollection: false) / 1048576.0);
        }

        public static MemorySnapshot TakeAfterFullCollection()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            return Take();
        }

        public override string ToString()
            => $"working set {WorkingSetMegabytes:F0} MB (peak {PeakWorkingSetMegabytes:F0} MB), managed heap {ManagedHeapMegabytes:F0} MB";
    }
}

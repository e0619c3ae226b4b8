using System.Diagnostics;

namespace Baton.Bench.Harness;

/// <summary>Process CPU time, managed allocations and GC activity between two points of a measurement.</summary>
internal readonly record struct ResourceUsage(TimeSpan Wall, TimeSpan Cpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan GcPause)
{
    /// <summary>Cores busy on average (CPU time over wall time); this machine has <see cref="Environment.ProcessorCount"/>.</summary>
    public double CoresBusy => Wall.TotalSeconds == 0 ? 0 : Cpu.TotalSeconds / Wall.TotalSeconds;

    public override string ToString()
        => $"wall {Wall.TotalSeconds:F2} s, cpu {Cpu.TotalSeconds:F2} s ({CoresBusy:F2} of {Environment.ProcessorCount} cores), " +
           $"allocated {AllocatedBytes / 1048576.0:F0} MB, GCs gen0/1/2 {Gen0}/{Gen1}/{Gen2}, GC pause {GcPause.TotalMilliseconds:F0} ms";
}

/// <summary>Starts a <see cref="ResourceUsage"/> measurement.</summary>
internal sealed class ResourceMeter
{
    private readonly long _started;
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly TimeSpan _pause;

    private ResourceMeter()
    {
        _cpu = CpuTime();
        _allocated = GC.GetTotalAllocatedBytes(precise: false);
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _pause = GC.GetTotalPauseDuration();
        _started = Stopwatch.GetTimestamp();
    }

    public static ResourceMeter Start() => new();

    public ResourceUsage Stop() => new(
        Stopwatch.GetElapsedTime(_started),
        CpuTime() - _cpu,
        GC.GetTotalAllocatedBytes(precise: false) - _allocated,
        GC.CollectionCount(0) - _gen0,
        GC.CollectionCount(1) - _gen1,
        GC.CollectionCount(2) - _gen2,
        GC.GetTotalPauseDuration() - _pause);

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

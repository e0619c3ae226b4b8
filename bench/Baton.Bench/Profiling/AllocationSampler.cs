using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text;

namespace Baton.Bench.Profiling;

/// <summary>
/// <c>--profile</c>: the runtime's own allocation sampling (an <c>AllocationTick</c> event about every 100 KB
/// allocated, naming the type that crossed the mark), listened to in-process. Over many runs the samples
/// show which types make up the allocations per run.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTick = 10;
    private const long GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start()
    {
        _bytes.Clear();
        _recording = true;
    }

    public void Stop() => _recording = false;

    public string Describe(int top, long units, string unit)
    {
        var total = _bytes.Values.Sum();
        var text = new StringBuilder();
        text.AppendLine($"  sampled allocations ({total / 1048576.0:F0} MB sampled, {(double)total / Math.Max(1, units):F0} B per {unit}), top types:");
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(top))
        {
            text.AppendLine($"    {100.0 * bytes / Math.Max(1, total),5:F1} %  {(double)bytes / Math.Max(1, units),8:F0} B/{unit}  {type}");
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventId != AllocationTick || eventData.Payload is null || eventData.PayloadNames is null)
        {
            return;
        }

        var type = "?";
        long amount = 0;
        for (var i = 0; i < eventData.PayloadNames.Count; i++)
        {
            switch (eventData.PayloadNames[i])
            {
                case "TypeName":
                    type = eventData.Payload[i] as string ?? "?";
                    break;
                case "AllocationAmount64":
                    amount = Convert.ToInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }

        _bytes.AddOrUpdate(type, amount, (_, old) => old + amount);
    }
}

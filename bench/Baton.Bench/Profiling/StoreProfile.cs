using System.Diagnostics;
using System.Text;
using Baton.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Bench.Profiling;

/// <summary>
/// <c>--profile</c>: wraps the storage provider the host registered so that every call of the group-commit
/// writer is timed. The writer loop is the one thread that applies all state changes, so the sum of these
/// timings over the wall time says how busy it is, and the split says which statements cost what.
/// </summary>
internal sealed class StoreProfile
{
    private readonly long[] _calls = new long[Enum.GetValues<StoreCall>().Length];
    private readonly long[] _ticks = new long[Enum.GetValues<StoreCall>().Length];
    private readonly long[] _maxTicks = new long[Enum.GetValues<StoreCall>().Length];
    private readonly long[] _slowCalls = new long[Enum.GetValues<StoreCall>().Length];
    private long _items;
    private long _transactions;
    private long _commandsInTransactions;
    private long _claimed;
    private long _emptyClaims;

    /// <summary>
    /// True once the writer applied a batch's commands together (pipelined): their timings then overlap inside
    /// <see cref="StoreCall.Together"/>, which counts as the writer's busy time instead of them.
    /// </summary>
    public bool Pipelined { get; set; }

    /// <summary>Replaces the registered <see cref="IBatonStore"/> with a timing wrapper around it.</summary>
    public static StoreProfile Install(BatonBuilder baton)
    {
        var descriptor = baton.Services.LastOrDefault(d => d.ServiceType == typeof(IBatonStore))
            ?? throw new InvalidOperationException("no storage provider registered");
        var inner = descriptor.ImplementationFactory ?? throw new InvalidOperationException("the storage provider is not registered by a factory");
        var profile = new StoreProfile();
        baton.UseStore(sp => new ProfiledStore((IBatonStore)inner(sp), profile));
        return profile;
    }

    /// <summary>Forgets what was measured so far (e.g. after a warm-up).</summary>
    public void Reset()
    {
        Array.Clear(_calls);
        Array.Clear(_ticks);
        Array.Clear(_maxTicks);
        Array.Clear(_slowCalls);
        _items = _transactions = _commandsInTransactions = _claimed = _emptyClaims = 0;
    }

    /// <summary>A table of calls, time per call and share of <paramref name="wall"/>, per unit of work.</summary>
    public string Describe(TimeSpan wall, long units, string unit)
    {
        var text = new StringBuilder();
        var busy = TimeSpan.FromTicks(0);
        text.AppendLine($"  storage writer calls over {wall.TotalSeconds:F2} s wall ({units} {unit}):");
        text.AppendLine("    call          calls     total ms    us/call   us/" + unit + "   % of wall    max ms  calls > 1 ms");
        foreach (var call in Enum.GetValues<StoreCall>())
        {
            var n = Interlocked.Read(ref _calls[(int)call]);
            if (n == 0)
            {
                continue;
            }

            var time = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)call]));
            var inside = call == StoreCall.IngestPlan || (Pipelined && call is not (StoreCall.Begin or StoreCall.Commit or StoreCall.Rollback or StoreCall.Together));
            busy += inside ? TimeSpan.Zero : time;
            text.AppendLine(
                $"    {(call == StoreCall.IngestPlan ? " (plan)" : inside ? " " + call : call.ToString()),-12} {n,7} {time.TotalMilliseconds,12:F1} {time.TotalMicroseconds / n,10:F1} {time.TotalMicroseconds / Math.Max(1, units),9:F1} {100 * time / wall,10:F1} {Stopwatch.GetElapsedTime(0, _maxTicks[(int)call]).TotalMilliseconds,9:F1} {_slowCalls[(int)call],13}");
        }

        if (Pipelined)
        {
            text.AppendLine("    (pipelined: the indented calls overlap inside Together, the time to apply a batch's commands together)");
        }

        text.AppendLine($"    writer busy {busy.TotalMilliseconds:F0} ms = {100 * busy / wall:F1} % of wall, {busy.TotalMicroseconds / Math.Max(1, units):F1} us per {unit}");
        var transactions = Math.Max(1, _transactions);
        text.AppendLine($"    transactions {_transactions}, commands per transaction {(double)_commandsInTransactions / transactions:F1}, " +
                        $"events ingested {_items}, runs claimed {_claimed} ({(double)_claimed / Math.Max(1, _calls[(int)StoreCall.Claim]):F1} per claim, {_emptyClaims} empty claims)");
        return text.ToString();
    }

    internal void Record(StoreCall call, long started)
    {
        var elapsed = Stopwatch.GetTimestamp() - started;
        Interlocked.Increment(ref _calls[(int)call]);
        Interlocked.Add(ref _ticks[(int)call], elapsed);
        if (elapsed > Stopwatch.Frequency / 1000)
        {
            Interlocked.Increment(ref _slowCalls[(int)call]);
        }

        // The writer loop is the only caller of the timed writer calls, so a plain read-compare-write is enough.
        if (elapsed > _maxTicks[(int)call])
        {
            _maxTicks[(int)call] = elapsed;
        }
        switch (call)
        {
            case StoreCall.Begin:
                Interlocked.Increment(ref _transactions);
                break;
            case StoreCall.Commit or StoreCall.Rollback or StoreCall.IngestPlan or StoreCall.Together:
                break;
            default:
                Interlocked.Increment(ref _commandsInTransactions);
                break;
        }
    }

    internal void Ingested(int events) => Interlocked.Add(ref _items, events);

    internal void Claimed(int runs)
    {
        Interlocked.Add(ref _claimed, runs);
        if (runs == 0)
        {
            Interlocked.Increment(ref _emptyClaims);
        }
    }
}

/// <summary>The writer calls that are timed.</summary>
internal enum StoreCall
{
    Begin,
    Ingest,

    /// <summary>The engine's routing of new events (part of <see cref="Ingest"/>).</summary>
    IngestPlan,
    Claim,
    CommitStep,
    Suspend,
    Finish,
    Heartbeat,
    Progress,
    Cancel,
    Commit,
    Rollback,

    /// <summary>A batch's commands applied together by a pipelined writer (the calls inside overlap).</summary>
    Together,
}

#!/usr/bin/env python3
"""Summarises a dotnet-trace speedscope file (sampled thread time): where busy threads spend their time.

    python3 bench/trace_summary.py TRACE.speedscope.json [TOP] ['Frame|Other frame']

Samples of threads that are waiting (thread-pool parking, monitors, timers, the finalizer) are left out.
Prints the busiest threads, the top frames by exclusive time (C = managed CPU, N = native code such as
SQLite), and the inclusive share of every frame whose name contains one of the '|'-separated patterns.
"""
import collections
import json
import sys

IDLE = ("WaitForSignal", "Monitor.Wait", "WaitOneNoCheck", "WaitHandle.Wait", "Thread.Sleep", "LowLevelLifoSemaphore",
        "WaitForSocketEvents", "GateThread", "ManualResetEventSlim.Wait", "SemaphoreSlim.Wait", "SpinThenBlockingWait",
        "LowLevelMonitor", "Interop+Sys.Read(", "ConsoleStream", "Interop+Sys.Poll", "RunFinalizers",
        "TimerQueue.TimerThread", "WaitForExit", "Thread.Join", "LowLevelSpinWaiter")
PSEUDO = ("CPU_TIME", "UNMANAGED_CODE_TIME")


def main(path, top, patterns):
    data = json.load(open(path, encoding="utf-8"))
    frames = [f["name"] for f in data["shared"]["frames"]]
    exclusive, inclusive, threads, kinds = (collections.Counter() for _ in range(4))
    total = 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile["events"]:
            at = event["at"]
            if stack and last is not None:
                names = [frames[i] for i in stack]
                kind = names[-1] if names[-1] in PSEUDO else "CPU_TIME"
                real = [n for n in names if n not in PSEUDO and not n.startswith("Thread (")]
                if real and not any(marker in n for n in real for marker in IDLE):
                    elapsed = at - last
                    exclusive[(real[-1], kind)] += elapsed
                    for name in set(real):
                        inclusive[name] += elapsed
                    threads[profile["name"]] += elapsed
                    kinds[kind] += elapsed
                    total += elapsed
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    print(f"busy {total:.0f} ms: " + ", ".join(f"{k} {v:.0f} ms" for k, v in kinds.items()))
    print("busiest threads: " + ", ".join(f"{n} {v:.0f} ms" for n, v in threads.most_common(6)))
    print("\nexclusive:")
    for (name, kind), value in exclusive.most_common(top):
        print(f"{100 * value / total:6.2f} %  {'N' if kind == 'UNMANAGED_CODE_TIME' else 'C'} {name[:150]}")
    if patterns:
        print("\ninclusive:")
        for name, value in inclusive.most_common():
            if any(p in name for p in patterns):
                print(f"{100 * value / total:6.2f} %  {name[:170]}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40, sys.argv[3].split("|") if len(sys.argv) > 3 else [])

#!/usr/bin/env python3
"""Summarises benchmark runs (JSON lines from `Baton.Bench core`) as a Markdown table and an SVG chart.

    python3 bench/report.py OUT.svg run1.jsonl [run2.jsonl ...] > table.md

Standard library only: the machines have no plotting package.
"""
import json
import sys

ROWS = [  # (scenario, metric, peer or None, label, target text, target check); a peer row shows the peer's value
    ("single-step", "throughput", None, "single-step throughput (runs/s)", ">= 20,000", lambda v: v >= 20000),
    ("single-step", "throughput", "hangfire-inmemory", "  Hangfire.InMemory, same N (jobs/s)", "", None),
    ("single-step", "throughput", "hangfire-sqlite", "  Hangfire.Storage.SQLite, N=3,000 (jobs/s)", "", None),
    ("single-step", "cpu_per_run", "baton", "single-step CPU per run (us)", "", None),
    ("single-step", "cpu_per_run", "hangfire-inmemory", "  Hangfire.InMemory CPU per job (us)", "", None),
    ("ten-step", "throughput", None, "ten-step throughput (steps/s)", ">= 50,000", lambda v: v >= 50000),
    ("long-run", "duration_1000_steps", None, "long-run 1,000 steps (s)", "", None),
    ("long-run", "duration_10000_steps", None, "long-run 10,000 steps (s)", "", None),
    ("long-run", "duration_100000_steps", None, "long-run 100,000 steps (s)", "<= 30", lambda v: v <= 30),
    ("long-run", "per_step_growth_100000_vs_1000", None, "long-run per-step cost, 100k vs 1k", "~1 (linear)", lambda v: v <= 1.5),
    ("latency", "p50", None, "latency p50 (ms)", "<= 2", lambda v: v <= 2),
    ("latency", "p99", None, "latency p99 (ms)", "<= 20", lambda v: v <= 20),
    ("sleepers", "working_set", None, "100,000 sleepers: working set (MB)", "<= 300", lambda v: v <= 300),
    ("sleepers", "drain_rate", None, "sleepers drain (runs/s)", "= single-step", None),
    ("sleepers", "single_step_rate", None, "  single-step, same process (runs/s)", "", None),
    ("sleepers", "drain_vs_single_step", None, "  drain / single-step", ">= 1", lambda v: v >= 1),
]


def load(path):
    figures = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("{"):
            f = json.loads(line)
            peer = f.get("peer")
            peer = peer.split(" ")[0] if peer else None
            figures[(f["scenario"], f["metric"], peer)] = f
    return figures


def fmt(value):
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def table(runs):
    head = "| figure | target | " + " | ".join(f"run {i + 1}" for i in range(len(runs))) + " |"
    lines = [head, "|" + " --- |" * (len(runs) + 2)]
    for scenario, metric, peer, label, target, check in ROWS:
        cells = []
        for run in runs:
            if peer == "baton":
                f = run.get((scenario, metric, "hangfire-inmemory"))
                value = f["value"] if f else None
            else:
                f = run.get((scenario, metric, peer))
                value = (f["peer_value"] if peer else f["value"]) if f else None
            mark = ""
            if value is not None and check is not None:
                mark = " ✓" if check(value) else " ✗"
            cells.append(fmt(value) + mark)
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def svg(runs, path):
    width, height, pad = 760, 330, 50
    panel = (width - 3 * pad) // 2
    top, bottom = 40, height - 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>']

    def axis(x0, title, ymax, ticks, unit):
        out.append(f'<text x="{x0 + panel / 2}" y="20" text-anchor="middle" font-size="13" font-weight="bold">{title}</text>')
        for t in ticks:
            y = bottom - (bottom - top) * t / ymax
            out.append(f'<line x1="{x0}" x2="{x0 + panel}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end">{t:,}{unit}</text>')
        out.append(f'<line x1="{x0}" x2="{x0}" y1="{top}" y2="{bottom}" stroke="#333"/>')
        out.append(f'<line x1="{x0}" x2="{x0 + panel}" y1="{bottom}" y2="{bottom}" stroke="#333"/>')

    # Left: single-step throughput per run, Baton against Hangfire in-memory, with the target.
    x0, ymax = pad, 25000
    axis(x0, "single-step: runs/s (median of 3 rounds)", ymax, [0, 5000, 10000, 15000, 20000, 25000], "")
    slot = panel / len(runs)
    for i, run in enumerate(runs):
        for j, (key, colour) in enumerate([(None, "#1f77b4"), ("hangfire-inmemory", "#ff7f0e")]):
            f = run.get(("single-step", "throughput", key))
            if not f:
                continue
            value = f["peer_value"] if key else f["value"]
            h = (bottom - top) * min(value, ymax) / ymax
            x = x0 + i * slot + slot * (0.15 + 0.35 * j)
            out.append(f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{slot * 0.33:.1f}" height="{h:.1f}" fill="{colour}"/>')
        out.append(f'<text x="{x0 + (i + 0.5) * slot:.1f}" y="{bottom + 14}" text-anchor="middle">run {i + 1}</text>')
    ty = bottom - (bottom - top) * 20000 / ymax
    out.append(f'<line x1="{x0}" x2="{x0 + panel}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#d62728" stroke-dasharray="5,3"/>')
    out.append(f'<text x="{x0 + panel}" y="{ty - 4:.1f}" text-anchor="end" fill="#d62728">target 20,000</text>')
    out.append(f'<rect x="{x0}" y="{height - 22}" width="10" height="10" fill="#1f77b4"/><text x="{x0 + 14}" y="{height - 13}">Baton (SQLite)</text>')
    out.append(f'<rect x="{x0 + 110}" y="{height - 22}" width="10" height="10" fill="#ff7f0e"/><text x="{x0 + 124}" y="{height - 13}">Hangfire.InMemory</text>')

    # Right: long-run cost per step at 1k / 10k / 100k steps, per run (flat lines mean linear growth).
    x0, ymax = 2 * pad + panel, 600
    axis(x0, "long-run: us per step (flat = linear)", ymax, [0, 100, 200, 300, 400, 500, 600], "")
    sizes = [1000, 10000, 100000]
    colours = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
    for i, run in enumerate(runs):
        points = []
        for k, size in enumerate(sizes):
            f = run.get(("long-run", f"per_step_{size}_steps", None))
            if f:
                x = x0 + panel * (k + 0.5) / len(sizes)
                y = bottom - (bottom - top) * min(f["value"], ymax) / ymax
                points.append(f"{x:.1f},{y:.1f}")
        if points:
            colour = colours[i % len(colours)]
            out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>')
            out.append(f'<text x="{x0 + 8 + 52 * i}" y="{height - 13}" fill="{colour}">run {i + 1}</text>')
    for k, size in enumerate(sizes):
        out.append(f'<text x="{x0 + panel * (k + 0.5) / len(sizes):.1f}" y="{bottom + 14}" text-anchor="middle">{size:,} steps</text>')
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    loaded = [load(p) for p in sys.argv[2:]]
    svg(loaded, sys.argv[1])
    print(table(loaded))

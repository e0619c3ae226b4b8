#!/usr/bin/env python3
"""Charts the keyed / plain ratio of `Baton.Bench flow` runs (the `concurrency-keys` scenario) as an SVG.

    python3 bench/flow_chart.py OUT.svg "LABEL=run.log[+run.log...]" ...

Each group is one or more scenario logs; every "keyed / plain per round" figure in them is a dot, and the group's
median a bar, against the 70 % target. Standard library only: the machines have no plotting package.
"""
import re
import statistics
import sys


def ratios(paths):
    values = []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            m = re.search(r"keyed / plain per round: (.*)$", line)
            if m:
                values += [float(v.strip(" %")) for v in m.group(1).split(",")]
    return values


def main():
    out, groups = sys.argv[1], [(g.split("=", 1)[0], ratios(g.split("=", 1)[1].split("+"))) for g in sys.argv[2:]]
    width, height, left, top, bottom = 120 + 110 * len(groups), 330, 50, 30, 270
    ymax = 100.0

    def y(v):
        return bottom - (bottom - top) * min(v, ymax) / ymax

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">keyed single-step over 1,000 keys, % of plain (each dot a round, bar the median)</text>']
    for t in range(0, 101, 20):
        svg.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{left - 4}" y="{y(t) + 4:.1f}" text-anchor="end">{t} %</text>')
    for i, (label, values) in enumerate(groups):
        x = left + 20 + i * 110
        median = statistics.median(values)
        colour = "#2ca02c" if median >= 70 else "#7f7f7f"
        svg.append(f'<rect x="{x}" y="{y(median):.1f}" width="70" height="{bottom - y(median):.1f}" fill="{colour}" fill-opacity="0.35"/>')
        svg.append(f'<text x="{x + 35}" y="{y(median) - 4:.1f}" text-anchor="middle" font-weight="bold">{median:.0f} %</text>')
        for j, v in enumerate(values):
            svg.append(f'<circle cx="{x + 10 + (j % 6) * 10}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
        for k, part in enumerate(label.split("\\n")):
            svg.append(f'<text x="{x + 35}" y="{bottom + 16 + 13 * k}" text-anchor="middle">{part}</text>')
    svg.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(70):.1f}" y2="{y(70):.1f}" stroke="#d62728" stroke-dasharray="5,3"/>')
    svg.append(f'<text x="{width - 12}" y="{y(70) - 4:.1f}" text-anchor="end" fill="#d62728">target 70 %</text>')
    svg.append("</svg>")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()

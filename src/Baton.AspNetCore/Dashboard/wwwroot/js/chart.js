// A minimal SVG line chart: x is time (equal steps), several series share one y axis.
import { h } from './ui.js';

const ns = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const node = document.createElementNS(ns, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * lineChart({title, labels: [Date], series: [{name, values: [number|null]}], unit})
 * Gaps (null) break the line.
 */
export function lineChart({ title, labels, series, unit = '', testid }) {
  const width = 600, height = 170, left = 40, right = 8, top = 10, bottom = 22;
  const values = series.flatMap((x) => x.values).filter((v) => v !== null && v !== undefined);
  const max = niceMax(Math.max(1, ...values));
  const n = Math.max(1, labels.length - 1);
  const x = (i) => left + ((width - left - right) * i) / n;
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': title });
  for (const t of [0, 0.5, 1]) {
    svg.append(s('line', { class: 'axis', x1: left, x2: width - right, y1: y(max * t), y2: y(max * t) }));
    svg.append(s('text', { x: left - 4, y: y(max * t) + 3, 'text-anchor': 'end' }, format(max * t) + unit));
  }
  const ticks = Math.min(6, labels.length);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round((k * (labels.length - 1)) / Math.max(1, ticks - 1));
    const d = labels[i];
    if (!d) continue;
    svg.append(s('text', { x: x(i), y: height - 6, 'text-anchor': k === 0 ? 'start' : k === ticks - 1 ? 'end' : 'middle' },
      d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })));
  }
  series.forEach((line, index) => {
    let d = '';
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d) svg.append(s('path', { class: `series-${line.color ?? index}`, d }));
    // A value with no neighbour draws no line: mark it with a dot.
    line.values.forEach((v, i) => {
      const alone = (line.values[i - 1] ?? null) === null && (line.values[i + 1] ?? null) === null;
      if (v !== null && v !== undefined && alone) svg.append(s('circle', { class: `series-${line.color ?? index}`, cx: x(i), cy: y(v), r: 2.5 }));
    });
  });
  const total = (line) => line.values.reduce((a, v) => a + (v || 0), 0);
  return h('div', { class: 'panel chart', 'data-testid': testid },
    h('h2', {}, title),
    h('div', { class: 'dot-legend' }, series.map((line, i) =>
      h('span', { class: `swatch-${line.color ?? i}` }, '● ', h('span', { class: 'muted' }, line.summary ?? `${line.name}: ${format(total(line))}`)))),
    svg);
}

function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function format(v) {
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

// Overview: charts of throughput, failures and queue lag per time bucket (GET /api/v1/stats, counted from the store), refreshed on live changes.
import { api, onChange } from './api.js';
import { h, debounce } from './ui.js';
import { lineChart } from './chart.js';

export async function render(page) {
  const minutes = h('select', { 'aria-label': 'Time window' },
    [[60, 'last hour'], [360, 'last 6 hours'], [1440, 'last 24 hours'], [10080, 'last 7 days']].map(([v, t]) => h('option', { value: v }, t)));
  const body = h('div', { class: 'grid', 'data-testid': 'charts' });
  const note = h('p', { class: 'muted' });
  page.append(h('h1', {}, 'Overview', minutes), note, body);

  const draw = async () => {
    const stats = await api('stats', { query: { minutes: minutes.value } });
    const labels = stats.points.map((p) => new Date(p.at));
    const pick = (name) => stats.points.map((p) => p[name]);
    const per = stats.bucketMs === 60000 ? 'minute' : `${stats.bucketMs / 60000} minutes`;
    note.textContent = `Per ${per} since ${new Date(stats.since).toLocaleString()}, counted from the store (runs of every node).`;
    body.replaceChildren(
      lineChart({ title: 'Throughput (runs per bucket)', labels, testid: 'chart-throughput',
        series: [{ name: 'started', values: pick('started') }, { name: 'completed', values: pick('completed') }] }),
      lineChart({ title: 'Failures (runs per bucket)', labels, testid: 'chart-failures',
        series: [{ name: 'failed', values: pick('failed'), color: 2 }, { name: 'cancelled', values: pick('cancelled'), color: 0 }] }),
      lineChart({ title: 'Queue lag (creation to first start)', labels, testid: 'chart-lag',
        series: [{ name: 'mean', values: pick('queueLagAvgMs'), summary: 'mean (ms)' }, { name: 'max', values: pick('queueLagMaxMs'), summary: 'max (ms)', color: 2 }] }),
    );
  };
  minutes.addEventListener('change', draw);
  await draw();
  const redraw = debounce(() => draw().catch(() => {}), 1000);
  const stop = onChange((change) => { if (change.type !== 'step') redraw(); });
  return stop;
}

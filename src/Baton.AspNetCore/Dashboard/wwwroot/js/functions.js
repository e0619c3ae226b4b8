// Functions: configuration, paused state with pause / resume, and live flow-control state per key.
import { api, onChange } from './api.js';
import { h, debounce, confirmAction, toast, duration } from './ui.js';
import { lineChart } from './chart.js';

export async function render(page, functionId) {
  const body = h('div');
  page.append(h('h1', {}, functionId ? h('span', {}, h('a', { href: '#/functions' }, 'Functions'), ' / ', functionId) : 'Functions'), body);

  async function load() {
    const list = functionId ? [await api(`functions/${encodeURIComponent(functionId)}`)] : (await api('functions')).items;
    body.replaceChildren(...list.map((f) => card(f, load)));
    if (functionId) {
      const stats = await api('stats', { query: { function: functionId, minutes: 60 } });
      const labels = stats.points.map((p) => new Date(p.at));
      body.append(h('div', { class: 'grid' },
        lineChart({ title: 'Runs per minute (last hour)', labels, series: [
          { name: 'completed', values: stats.points.map((p) => p.completed), color: 1 },
          { name: 'failed', values: stats.points.map((p) => p.failed), color: 2 }] }),
        lineChart({ title: 'Queue lag (ms)', labels, series: [{ name: 'mean', values: stats.points.map((p) => p.queueLagAvgMs), summary: 'mean' }] })));
    }
    if (!list.length) body.append(h('p', { class: 'empty' }, 'No functions registered.'));
  }

  await load();
  // Flow-control state changes as runs start and finish: re-read on run changes (coalesced).
  const reload = debounce(() => load().catch(() => {}), 500);
  return onChange((change) => { if (change.type !== 'step' && (!functionId || change.data?.functionId === functionId || change.type === 'reconnect')) reload(); });
}

function card(f, reload) {
  const toggle = f.paused
    ? h('button', { type: 'button', class: 'primary', 'data-testid': 'resume', onclick: () => resume(f, reload) }, 'Resume…')
    : h('button', { type: 'button', 'data-testid': 'pause', onclick: () => pause(f, reload) }, 'Pause…');
  const r = f.retry || {};
  return h('div', { class: 'panel', 'data-function': f.id },
    h('h2', {}, h('a', { href: `#/functions/${encodeURIComponent(f.id)}` }, f.name || f.id),
      f.paused ? h('span', { class: 'status Cancelled', 'data-testid': 'paused' }, 'paused') : null, ' ', toggle,
      ' ', h('a', { href: `#/runs?function=${encodeURIComponent(f.id)}`, class: 'muted' }, 'runs →')),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Triggers'), h('dd', { class: 'mono' }, [
        ...(f.triggers || []).map((t) => h('div', {}, t.event, t.if ? ` if ${t.if}` : '')),
        ...(f.crons || []).map((c) => h('div', {}, `cron ${c.schedule} (${c.timeZone})`))]),
      h('dt', {}, 'Retries'), h('dd', {}, `${r.maxRetries ?? '?'} (backoff ${r.initialInterval ?? '?'} ×${r.backoffCoefficient ?? '?'}, max ${r.maximumInterval ?? '?'})`),
      h('dt', {}, 'Timeouts'), h('dd', {}, ['step', 'start', 'finish'].map((k) => f.timeouts?.[`${k}Ms`] ? `${k} ${duration(f.timeouts[`${k}Ms`])} ` : '').join('') || '—'),
      f.idempotency ? [h('dt', {}, 'Idempotency'), h('dd', { class: 'mono' }, f.idempotency)] : null,
      f.cancelOn?.length ? [h('dt', {}, 'Cancel on'), h('dd', { class: 'mono' }, f.cancelOn.map((c) => h('div', {}, c.event, c.if ? ` if ${c.if}` : '')))] : null,
      f.failureHandlerId ? [h('dt', {}, 'On failure'), h('dd', {}, f.failureHandlerId)] : null,
      h('dt', {}, 'Flow control'), h('dd', { 'data-testid': 'flow' }, flow(f.flow))));
}

// Flow members are open-ended (concurrency, throttle, budgets, ...): configuration as key/value, per-key state as tables.
function flow(members) {
  const entries = Object.entries(members || {});
  if (!entries.length) return h('span', { class: 'muted' }, 'none');
  return entries.map(([name, value]) => h('div', { class: 'flow', 'data-flow': name }, h('strong', {}, name), ' ', section(value)));
}

function section(value) {
  if (value === null || typeof value !== 'object') return h('span', { class: 'mono' }, String(value));
  if (Array.isArray(value)) {
    if (value.length && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const columns = [...new Set(value.flatMap((v) => Object.keys(v)))];
      return h('table', { class: 'flow-table' }, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))),
        h('tbody', {}, value.map((v) => h('tr', {}, columns.map((c) => h('td', { class: 'mono' }, cell(v[c])))))));
    }
    return h('span', { class: 'mono' }, value.map(cell).join(', ') || '—');
  }
  return h('dl', { class: 'kv' }, Object.entries(value).map(([k, v]) => [h('dt', {}, k), h('dd', {}, section(v))]));
}

function cell(v) {
  return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

async function pause(f, reload) {
  if (!await confirmAction(`Pause ${f.id}?`, 'Its events are still stored but start no runs (recorded as skips) until it is resumed. Runs already started carry on.', 'Pause')) return;
  try { await api(`functions/${encodeURIComponent(f.id)}/pause`, { method: 'POST' }); toast(`${f.id} paused.`); reload(); } catch (e) { toast(e.message, true); }
}

async function resume(f, reload) {
  const replay = await confirmAction(`Resume ${f.id}?`, 'Confirm to resume AND start a run for every event skipped while paused; Cancel to keep it paused.', 'Resume and replay skipped');
  if (!replay && !await confirmAction(`Resume ${f.id} without replay?`, 'Events skipped while paused stay skipped.', 'Resume')) return;
  try {
    const result = await api(`functions/${encodeURIComponent(f.id)}/resume`, { method: 'POST', query: { replay } });
    toast(`${f.id} resumed${replay ? `; ${result.replayedRunIds.length} skipped events replayed` : ''}.`);
    reload();
  } catch (e) { toast(e.message, true); }
}

// Run detail: summary, actions, and the step waterfall (queue delay vs execution, attempts, errors, outputs), live.
import { api, onChange } from './api.js';
import { h, statusBadge, time, duration, json, progressBar, debounce, confirmAction, toast, errorBox } from './ui.js';

const unfinished = new Set(['Queued', 'Running', 'Sleeping', 'Waiting']);

export async function render(page, runId) {
  const head = h('div');
  const body = h('div');
  page.append(head, body);
  const open = new Set();
  // Log lines only grow: each load fetches the lines after the last one seen.
  const logs = [];

  async function loadLogs() {
    let cursor = logs.length ? String(logs[logs.length - 1].sequence) : null;
    do {
      const page = await api(`runs/${encodeURIComponent(runId)}/logs`, { query: cursor ? { cursor } : {} });
      // Two loads may overlap: keep each line once, in order.
      for (const line of page.items) if (!logs.length || line.sequence > logs[logs.length - 1].sequence) logs.push(line);
      cursor = page.nextCursor;
    } while (cursor);
  }

  async function load() {
    let detail;
    try {
      detail = await api(`runs/${encodeURIComponent(runId)}`);
      await loadLogs();
    } catch (e) {
      head.replaceChildren(errorBox(e));
      return;
    }
    const { run, steps, events } = detail;
    head.replaceChildren(h('div', {},
      h('h1', {}, h('span', { class: 'mono' }, run.id), statusBadge(run.status),
        h('span', { class: 'actions' },
          unfinished.has(run.status) ? h('button', { type: 'button', 'data-testid': 'cancel-run', onclick: () => cancel(run) }, 'Cancel…') : null,
          h('button', { type: 'button', 'data-testid': 'replay-run', onclick: () => replay(run) }, 'Replay…'))),
      h('div', { class: 'panel' }, h('dl', { class: 'kv' },
        h('dt', {}, 'Function'), h('dd', {}, h('a', { href: `#/functions/${encodeURIComponent(run.functionId)}` }, run.functionId)),
        h('dt', {}, 'Trigger'), h('dd', { class: 'mono' }, run.eventName ? `${run.eventName} (${run.eventId})` : run.parentRunId ? `invoked by ${run.parentRunId}` : '—'),
        h('dt', {}, 'Created'), h('dd', {}, time(run.createdAt)),
        h('dt', {}, 'Started'), h('dd', {}, time(run.startedAt), run.startedAt ? h('span', { class: 'muted' }, ` (queued ${duration(Date.parse(run.startedAt) - Date.parse(run.createdAt))})`) : ''),
        h('dt', {}, 'Finished'), h('dd', {}, time(run.finishedAt), run.durationMs !== null ? h('span', { class: 'muted' }, ` (ran ${duration(run.durationMs)})`) : ''),
        run.progress ? [h('dt', {}, 'Progress'), h('dd', {}, progressBar(run.progress))] : null,
        run.cancelReason ? [h('dt', {}, 'Cancel reason'), h('dd', {}, run.cancelReason)] : null,
        run.attempt ? [h('dt', {}, 'Failures outside steps'), h('dd', {}, run.attempt)] : null)),
      run.error ? h('div', { class: 'panel', 'data-testid': 'run-error' }, h('h2', { class: 'error' }, `${run.error.type}: ${run.error.message}`),
        run.error.stackTrace ? h('details', {}, h('summary', { class: 'muted' }, 'Stack trace'), h('pre', {}, run.error.stackTrace)) : null) : null,
      run.output !== null && run.output !== undefined ? h('div', { class: 'panel' }, h('h2', {}, 'Output'), json(run.output)) : null));
    body.replaceChildren(
      h('div', { class: 'panel waterfall', 'data-testid': 'waterfall' },
        h('h2', {}, `Steps (${steps.length})`),
        h('div', { class: 'legend' },
          h('span', {}, h('i', { class: 'bar queue', style: 'position:static;display:inline-block' }), 'waiting / queue delay'),
          h('span', {}, h('i', { style: 'background:var(--ok)' }), 'execution'),
          h('span', {}, h('i', { style: 'background:var(--fail)' }), 'failed attempt'),
          h('span', {}, h('i', { style: 'background:var(--wait)' }), 'sleep / wait')),
        waterfall(run, steps, open)),
      h('div', { class: 'panel' }, h('h2', {}, 'Trigger events'),
        events.length ? events.map((e) => h('div', {}, h('span', { class: 'mono' }, `${e.name} · ${e.id}`), json(e.data))) : h('p', { class: 'muted' }, 'None (cron or invoked run).')),
      h('div', { class: 'panel', 'data-testid': 'run-logs' }, h('h2', {}, `Logs (${logs.length})`),
        logs.length ? logTable(logs) : h('p', { class: 'muted' }, 'No lines written through FunctionContext.Logger (yet).')));
  }

  async function cancel(run) {
    if (!await confirmAction('Cancel this run?', `Run ${run.id} of "${run.functionId}" stops at its next step and is marked Cancelled.`, 'Cancel run')) return;
    try {
      await api(`runs/${encodeURIComponent(run.id)}/cancel`, { method: 'POST', body: { reason: 'cancelled from the dashboard' } });
      toast('Run cancelled.');
      load();
    } catch (e) { toast(e.message, true); }
  }

  async function replay(run) {
    if (!await confirmAction('Replay this run?', `A new run of "${run.functionId}" starts with the same trigger event.`, 'Replay')) return;
    try {
      const result = await api(`runs/${encodeURIComponent(run.id)}/replay`, { method: 'POST' });
      location.hash = `#/runs/${encodeURIComponent(result.newRunId)}`;
      toast(`Replayed as ${result.newRunId}.`);
    } catch (e) { toast(e.message, true); }
  }

  await load();
  const reload = debounce(load, 150);
  return onChange((change) => {
    if (change.type === 'reconnect') logs.length = 0;
    if (change.type === 'reconnect' || change.data?.runId === runId) reload();
  });
}

function logTable(lines) {
  return h('table', { class: 'logs' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Level'), h('th', {}, 'Step'), h('th', {}, 'Message'))),
    h('tbody', {}, lines.map((l) => h('tr', { 'data-level': l.level, class: l.level === 'Error' || l.level === 'Critical' ? 'error' : null },
      h('td', { class: 'mono' }, time(l.at)),
      h('td', {}, l.level),
      h('td', { class: 'mono' }, l.stepId ?? ''),
      h('td', {}, l.message, l.exception ? h('details', {}, h('summary', { class: 'muted' }, 'Exception'), h('pre', {}, l.exception)) : null)))));
}

function waterfall(run, steps, open) {
  const t = (iso) => (iso ? Date.parse(iso) : null);
  const origin = t(run.createdAt);
  const now = Date.now();
  const ends = [t(run.finishedAt), ...steps.flatMap((s) => [t(s.finishedAt), t(s.startedAt), t(s.wakeAt)])].filter((v) => v !== null);
  const end = Math.max(origin + 1, run.finishedAt ? t(run.finishedAt) : Math.min(now, Math.max(...ends, origin + 1)), ...ends);
  const span = end - origin;
  const pct = (v) => `${(100 * (v - origin)) / span}%`;
  const bar = (cls, from, to, title) => h('div', { class: `bar ${cls}`, style: `left:${pct(from)};width:calc(${pct(to)} - ${pct(from)})`, title });
  const rows = [];
  if (run.startedAt) {
    rows.push(h('div', { class: 'row', 'data-step': '(queue)' },
      h('span', { class: 'muted' }, 'queued'),
      h('div', { class: 'track' }, bar('queue', origin, t(run.startedAt), 'created → first start')),
      h('span', { class: 'muted' }, duration(t(run.startedAt) - origin))));
  }
  let ready = t(run.startedAt) ?? origin;
  for (const step of [...steps].sort((a, b) => a.position - b.position)) {
    const attempts = step.failedAttempts || [];
    const first = t(attempts[0]?.startedAt) ?? t(step.startedAt) ?? ready;
    const stop = t(step.finishedAt) ?? (step.kind === 'Sleep' || step.kind === 'WaitForEvent' ? t(step.wakeAt) ?? now : now);
    const bars = [];
    if (first > ready) bars.push(bar('queue', ready, first, `waiting ${duration(first - ready)}`));
    for (const a of attempts) bars.push(bar('attempt', t(a.startedAt), t(a.finishedAt) ?? t(a.startedAt), `attempt ${a.attempt} failed: ${a.error?.message ?? ''}`));
    const execStart = t(step.startedAt) ?? first;
    const kindClass = step.kind === 'Sleep' || step.kind === 'WaitForEvent' ? 'Waiting' : step.status;
    bars.push(bar(`exec ${kindClass}`, execStart, Math.max(execStart, stop), `${step.kind} ${step.status}`));
    const detail = h('div', { class: 'detail', hidden: !open.has(step.id) },
      h('dl', { class: 'kv' },
        h('dt', {}, 'Kind'), h('dd', {}, step.kind),
        h('dt', {}, 'Status'), h('dd', {}, statusBadge(step.status)),
        h('dt', {}, 'Attempts'), h('dd', {}, step.attempts),
        h('dt', {}, 'Started'), h('dd', {}, time(step.startedAt)),
        h('dt', {}, 'Finished'), h('dd', {}, time(step.finishedAt)),
        step.wakeAt ? [h('dt', {}, 'Wakes'), h('dd', {}, time(step.wakeAt))] : null),
      step.error ? h('div', { class: 'error', 'data-testid': 'step-error' }, `${step.error.type}: ${step.error.message}`) : null,
      attempts.length ? h('div', {}, h('h2', {}, 'Failed attempts'), attempts.map((a) =>
        h('div', { class: 'error' }, `#${a.attempt} at ${a.startedAt}: ${a.error?.type ?? ''}: ${a.error?.message ?? ''}`))) : null,
      step.output !== null && step.output !== undefined ? [h('h2', {}, 'Output'), json(step.output)] : null,
      step.detail ? [h('h2', {}, 'Detail'), json(step.detail)] : null);
    const row = h('div', { class: 'row', 'data-step': step.id, 'data-status': step.status },
      h('span', {}, h('span', { class: 'mono' }, step.name), ' ', statusBadge(step.status),
        step.attempts > 1 ? h('span', { class: 'muted' }, ` ×${step.attempts}`) : null),
      h('div', { class: 'track' }, bars),
      h('span', { class: 'muted' }, duration(step.durationMs)),
      detail);
    row.addEventListener('click', (e) => {
      if (detail.contains(e.target)) return;
      detail.hidden = !detail.hidden;
      if (detail.hidden) open.delete(step.id); else open.add(step.id);
    });
    // Failed steps show their error without a click.
    if (step.status === 'Failed' || step.error) { detail.hidden = false; open.add(step.id); }
    rows.push(row);
    ready = Math.max(ready, t(step.finishedAt) ?? stop);
  }
  if (!steps.length) rows.push(h('p', { class: 'muted' }, 'No steps recorded yet.'));
  return rows;
}

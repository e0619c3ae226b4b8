// Runs list: server-side filters and keyset paging, live updates from the stream, bulk replay / cancel of the filter.
import { api, onChange } from './api.js';
import { h, statusBadge, time, duration, debounce, confirmAction, toast, progressBar } from './ui.js';

const statuses = ['Queued', 'Running', 'Sleeping', 'Waiting', 'Completed', 'Failed', 'Cancelled'];
const unfinished = new Set(['Queued', 'Running', 'Sleeping', 'Waiting']);

export async function render(page, _, params) {
  const functionList = (await api('functions')).items;
  const filter = {
    function: params.get('function') || '',
    status: params.get('status') || '',
    from: params.get('from') || '',
    to: params.get('to') || '',
    text: params.get('text') || '',
    key: params.get('key') || '',
  };
  const fnSelect = h('select', { name: 'function', 'aria-label': 'Function' }, h('option', { value: '' }, 'all functions'),
    functionList.map((f) => h('option', { value: f.id, selected: f.id === filter.function }, f.id)));
  const statusSelect = h('select', { name: 'status', 'aria-label': 'Status' }, h('option', { value: '' }, 'any status'),
    statuses.map((s) => h('option', { value: s, selected: s === filter.status }, s)));
  const from = h('input', { type: 'datetime-local', name: 'from', 'aria-label': 'Created from', value: local(filter.from) });
  const to = h('input', { type: 'datetime-local', name: 'to', 'aria-label': 'Created before', value: local(filter.to) });
  const text = h('input', { type: 'search', name: 'text', 'aria-label': 'Trigger event contains', placeholder: 'order id, SKU…', value: filter.text });
  const key = h('input', { type: 'search', name: 'key', 'aria-label': 'Flow-control key', placeholder: 'e.g. EBAY_GB', value: filter.key });
  const apply = () => {
    const q = new URLSearchParams();
    if (fnSelect.value) q.set('function', fnSelect.value);
    if (statusSelect.value) q.set('status', statusSelect.value);
    if (from.value) q.set('from', new Date(from.value).toISOString());
    if (to.value) q.set('to', new Date(to.value).toISOString());
    if (text.value) q.set('text', text.value);
    if (key.value) q.set('key', key.value);
    location.hash = `#/runs${q.size ? '?' + q : ''}`;
  };
  for (const input of [fnSelect, statusSelect, from, to, text, key]) input.addEventListener('change', apply);

  const replayAll = h('button', { type: 'button', 'data-testid': 'bulk-replay', onclick: () => bulk('replay') }, 'Replay matching…');
  const cancelAll = h('button', { type: 'button', 'data-testid': 'bulk-cancel', onclick: () => bulk('cancel') }, 'Cancel matching…');
  const job = h('div', { class: 'job', 'data-testid': 'bulk-job' });
  const tbody = h('tbody');
  const pageInfo = h('span', { class: 'muted' });
  const prev = h('button', { type: 'button', disabled: true }, '← Newer');
  const next = h('button', { type: 'button', disabled: true }, 'Older →');
  page.append(
    h('h1', {}, 'Runs'),
    h('div', { class: 'filters' },
      h('label', {}, 'Function', fnSelect), h('label', {}, 'Status', statusSelect),
      h('label', {}, 'Created from', from), h('label', {}, 'Created before', to), h('label', {}, 'Event contains', text),
      h('label', {}, 'Key', key),
      h('div', { class: 'actions' }, replayAll, cancelAll)),
    job,
    h('table', { 'data-testid': 'runs' },
      h('thead', {}, h('tr', {}, ['Run', 'Function', 'Status', 'Event', 'Created', 'Duration', 'Steps', 'Progress'].map((t) => h('th', {}, t)))),
      tbody),
    h('div', { class: 'pager' }, prev, next, pageInfo));

  const query = () => ({ function: filter.function, status: filter.status, from: filter.from, to: filter.to, text: filter.text, key: filter.key, limit: 50 });
  // Bulk actions take no text or key filter: offering them here would act on more runs than the list shows.
  if (filter.text || filter.key) for (const b of [replayAll, cancelAll]) { b.disabled = true; b.title = 'Clear "Event contains" and "Key" to act on matching runs'; }
  const cursors = [null];
  let shown = new Set();

  async function load() {
    const result = await api('runs', { query: { ...query(), cursor: cursors[cursors.length - 1] } });
    const before = shown;
    shown = new Set(result.items.map((r) => r.id));
    tbody.replaceChildren(...result.items.map((r) => row(r, before.size > 0 && !before.has(r.id))));
    if (result.items.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No runs match.')));
    prev.disabled = cursors.length === 1;
    next.disabled = !result.nextCursor;
    next.onclick = () => { cursors.push(result.nextCursor); load(); };
    prev.onclick = () => { cursors.pop(); load(); };
    pageInfo.textContent = `page ${cursors.length}`;
  }

  const reload = debounce(() => load().catch((e) => toast(e.message, true)), 250);
  const stop = onChange((change) => {
    if (change.type === 'reconnect') return reload();
    const d = change.data;
    // A change to a run on screen, or a run not on screen (a new one: created Queued, or Running when the worker
    // leased it as it was created) while the newest page is shown: re-read this page.
    if (shown.has(d.runId) || (change.type === 'run' && (d.status === 'Queued' || d.status === 'Running') && cursors.length === 1
      && (!filter.function || filter.function === d.functionId))) reload();
  });

  async function bulk(action) {
    const body = {};
    if (filter.function) body.functionId = filter.function;
    if (filter.status) body.statuses = [filter.status];
    else if (action === 'cancel') body.statuses = [...unfinished];
    if (filter.from) body.from = filter.from;
    if (filter.to) body.to = filter.to;
    if (!filter.function && !filter.status && !filter.from && !filter.to && action === 'replay') {
      toast('Choose a filter first (function, status or time range).', true);
      return;
    }
    const what = describe(body);
    const ok = await confirmAction(action === 'replay' ? 'Replay runs?' : 'Cancel runs?',
      action === 'replay'
        ? `Every run matching ${what} starts again as a new run with the same trigger event.`
        : `Every unfinished run matching ${what} is cancelled.`,
      action === 'replay' ? 'Replay' : 'Cancel runs');
    if (!ok) return;
    try {
      if (action === 'cancel') {
        const result = await api('runs/bulk-cancel', { method: 'POST', body: { ...body, reason: 'cancelled from the dashboard' } });
        job.textContent = `Cancelled ${result.cancelled} of ${result.matched} matching runs.`;
        reload();
        return;
      }
      let state = await api('runs/bulk-replay', { method: 'POST', body });
      const show = () => {
        job.replaceChildren(h('span', {}, `Replay ${state.id}: ${state.started} of ${state.total} started`,
          state.failed.length ? `, ${state.failed.length} refused` : '', state.done ? ' — done.' : '…'),
          progressBar({ done: state.started + state.failed.length, total: state.total || 1 }));
      };
      show();
      // Follow the job as the stream reports the runs it starts; read it once more after subscribing, since the
      // first runs may have started before this page saw the job's id.
      const refresh = async () => {
        state = await api(`replays/${state.id}`);
        show();
        if (state.done) unfollow();
      };
      const unfollow = onChange(debounce(() => refresh().catch((e) => toast(e.message, true)), 200));
      if (state.done) unfollow(); else await refresh();
    } catch (e) {
      toast(e.message, true);
    }
  }

  await load();
  return stop;
}

function row(r, fresh) {
  return h('tr', { class: fresh ? 'fresh' : '', 'data-run-id': r.id },
    h('td', { class: 'mono' }, h('a', { href: `#/runs/${encodeURIComponent(r.id)}` }, r.id)),
    h('td', {}, h('a', { href: `#/functions/${encodeURIComponent(r.functionId)}` }, r.functionId)),
    h('td', {}, statusBadge(r.status)),
    h('td', { class: 'mono' }, r.eventName || ''),
    h('td', {}, time(r.createdAt)),
    h('td', {}, duration(r.durationMs)),
    h('td', {}, r.stepCount),
    h('td', {}, progressBar(r.progress)));
}

function describe(body) {
  const parts = [];
  if (body.functionId) parts.push(`function "${body.functionId}"`);
  if (body.statuses) parts.push(`status ${body.statuses.join(' or ')}`);
  if (body.from) parts.push(`created from ${body.from}`);
  if (body.to) parts.push(`created before ${body.to}`);
  return parts.join(', ');
}

function local(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

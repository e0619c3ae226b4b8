// Events: newest first, filtered by name, with the runs each started and the functions that skipped it.
import { api, onChange } from './api.js';
import { h, time, json, debounce } from './ui.js';

export async function render(page, _, params) {
  const name = h('input', { type: 'search', name: 'name', placeholder: 'event name, e.g. shop/order.created', value: params.get('name') || '', 'aria-label': 'Event name' });
  const form = h('form', { class: 'filters' }, h('label', {}, 'Name', name), h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => { e.preventDefault(); location.hash = name.value ? `#/events?name=${encodeURIComponent(name.value)}` : '#/events'; });
  const tbody = h('tbody');
  const prev = h('button', { type: 'button' }, '← Newer');
  const next = h('button', { type: 'button' }, 'Older →');
  page.append(h('h1', {}, 'Events'), form,
    h('table', { 'data-testid': 'events' }, h('thead', {}, h('tr', {}, ['Event', 'Name', 'Received', 'Data', 'Runs', 'Skipped by'].map((t) => h('th', {}, t)))), tbody),
    h('div', { class: 'pager' }, prev, next));
  const cursors = [null];

  async function load() {
    const result = await api('events', { query: { name: params.get('name'), limit: 50, cursor: cursors[cursors.length - 1] } });
    tbody.replaceChildren(...result.items.map((e) => h('tr', { 'data-event-id': e.id },
      h('td', { class: 'mono' }, e.id),
      h('td', { class: 'mono' }, e.name),
      h('td', {}, time(e.receivedAt)),
      h('td', { style: 'max-width:420px' }, json(e.data)),
      h('td', { class: 'mono' }, e.runIds.map((id) => h('div', {}, h('a', { href: `#/runs/${encodeURIComponent(id)}` }, id)))),
      h('td', {}, e.skips.map((s) => h('div', {}, `${s.functionId}: ${s.reason}`))))));
    if (!result.items.length) tbody.append(h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No events.')));
    prev.disabled = cursors.length === 1;
    next.disabled = !result.nextCursor;
    next.onclick = () => { cursors.push(result.nextCursor); load(); };
    prev.onclick = () => { cursors.pop(); load(); };
  }

  await load();
  // Every new event that starts a run shows up on the stream as its run, created Queued (or Running when leased at once).
  const reload = debounce(() => load().catch(() => {}), 300);
  return onChange((change) => { if (cursors.length === 1 && (change.type === 'reconnect' || (change.type === 'run' && (change.data.status === 'Queued' || change.data.status === 'Running')))) reload(); });
}

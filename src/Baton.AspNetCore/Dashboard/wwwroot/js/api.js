// Talks to Baton's HTTP API, which lives next to the dashboard: {prefix}/dashboard/ -> {prefix}/api/v1/.
const base = new URL('../api/v1/', document.baseURI);
const keyName = 'baton.apiKey';

export const apiKey = {
  get: () => localStorage.getItem(keyName) || '',
  set: (value) => value ? localStorage.setItem(keyName, value) : localStorage.removeItem(keyName),
};

function headers(extra = {}) {
  const key = apiKey.get();
  return key ? { ...extra, 'X-Baton-Api-Key': key } : extra;
}

/** GET or POST a path under /api/v1; throws an Error carrying the API's message on a 4xx/5xx. */
export async function api(path, { method = 'GET', body, query } = {}) {
  const url = new URL(path, base);
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v);
  }
  const response = await fetch(url, {
    method,
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(json?.error || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return json;
}

const listeners = new Set();
let state = 'connecting';
const stateListeners = new Set();

/** Calls handler({type: 'run'|'step'|'reconnect', data}) for every change on the live stream. Returns an unsubscribe function. */
export function onChange(handler) {
  listeners.add(handler);
  return () => listeners.delete(handler);
}

export function onStreamState(handler) {
  stateListeners.add(handler);
  handler(state);
}

function emit(type, data) {
  for (const handler of [...listeners]) {
    try { handler({ type, data }); } catch (e) { console.error(e); }
  }
}

function setState(next) {
  state = next;
  for (const handler of stateListeners) handler(next);
}

let source = null;
let reader = null;

/** Opens the Server-Sent Events stream (EventSource; a fetch reader when an API key must be sent as a header). */
export function connect() {
  source?.close();
  reader?.abort();
  source = null;
  reader = null;
  setState('connecting');
  const url = new URL('stream', base);
  if (!apiKey.get()) {
    source = new EventSource(url);
    let opened = false;
    source.onopen = () => {
      setState('live');
      // After a reconnect, changes may have been missed: pages re-read their lists.
      if (opened) emit('reconnect', null);
      opened = true;
    };
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'down' : 'connecting');
    source.addEventListener('run', (e) => emit('run', JSON.parse(e.data)));
    source.addEventListener('step', (e) => emit('step', JSON.parse(e.data)));
    return;
  }
  reader = new AbortController();
  readStream(url, reader.signal).catch(() => {
    if (!reader?.signal.aborted) {
      setState('down');
      setTimeout(() => { connect(); emit('reconnect', null); }, 3000);
    }
  });
}

async function readStream(url, signal) {
  const response = await fetch(url, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
  setState('live');
  const decoder = new TextDecoder();
  const stream = response.body.getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await stream.read();
    if (done) throw new Error('stream ended');
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (data && (type === 'run' || type === 'step')) emit(type, JSON.parse(data));
    }
  }
}

// The dashboard shell: hash routes (#/runs, #/runs/<id>, #/functions, #/events), the live-stream indicator, the API key.
import { apiKey, connect, onStreamState } from './api.js';
import { errorBox } from './ui.js';
import * as overview from './overview.js';
import * as runs from './runs.js';
import * as run from './run.js';
import * as functions from './functions.js';
import * as events from './events.js';

const routes = [
  [/^#?\/?$/, 'overview', overview],
  [/^#\/runs\/([^/?]+)$/, 'runs', run],
  [/^#\/runs(\?.*)?$/, 'runs', runs],
  [/^#\/functions\/([^/?]+)$/, 'functions', functions],
  [/^#\/functions$/, 'functions', functions],
  [/^#\/events(\?.*)?$/, 'events', events],
];

let cleanup = null;

async function route() {
  cleanup?.();
  cleanup = null;
  const page = document.getElementById('page');
  page.replaceChildren();
  const hash = location.hash || '#/';
  const match = routes.map(([re, nav, module]) => [hash.match(re), nav, module]).find(([m]) => m);
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', match?.[1] === a.dataset.nav);
  if (!match) {
    page.append(errorBox(`No page at ${hash}`));
    return;
  }
  const [m, , module] = match;
  const params = new URLSearchParams((hash.split('?')[1]) || '');
  try {
    cleanup = await module.render(page, decodeURIComponent(m[1] || ''), params) || null;
  } catch (error) {
    page.append(errorBox(error));
  }
}

onStreamState((state) => {
  const live = document.getElementById('live');
  live.dataset.state = state;
  live.textContent = state === 'live' ? 'live' : state === 'down' ? 'disconnected' : 'connecting';
});

document.getElementById('key-button').addEventListener('click', () => {
  const value = prompt('API key for this dashboard (kept in this browser; empty to clear):', apiKey.get());
  if (value === null) return;
  apiKey.set(value.trim());
  connect();
  route();
});

window.addEventListener('hashchange', route);
connect();
route();

// Small DOM helpers shared by the pages.

/** Creates an element: h('a', {href: '#/x', class: 'y'}, 'text', child, ...). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'class') node.className = value;
    else if (name === 'style') node.style.cssText = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

export function statusBadge(status) {
  return h('span', { class: `status ${status}`, 'data-status': status }, status);
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }));
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} m`;
}

export function json(value) {
  return h('pre', { class: 'json' }, value === undefined ? '' : JSON.stringify(value, null, 2));
}

export function progressBar(progress) {
  if (!progress) return null;
  const pct = progress.total ? Math.min(100, Math.round((100 * progress.done) / progress.total)) : null;
  return h('div', { class: 'progress-block', 'data-testid': 'progress' },
    h('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': pct ?? 0, 'aria-valuemin': 0, 'aria-valuemax': 100 },
      h('div', { style: `width:${pct ?? 100}%` })),
    h('span', { class: 'muted' }, progress.total ? `${progress.done} / ${progress.total}` : `${progress.done}`, progress.message ? ` — ${progress.message}` : ''));
}

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmAction(title, text, okLabel = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

export function toast(message, bad = false) {
  const box = h('div', { class: bad ? 'bad' : '' }, message);
  document.getElementById('toast').append(box);
  setTimeout(() => box.remove(), 6000);
}

/** Runs fn at most once per `ms`, after the last call (used to coalesce bursts of live changes into one re-read). */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function errorBox(error) {
  return h('div', { class: 'panel error', role: 'alert' }, error?.message || String(error));
}

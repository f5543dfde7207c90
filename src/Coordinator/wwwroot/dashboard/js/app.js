import { apiKey } from './api.js';
import { h, fill } from './dom.js';
import { clearNotice, showNotice } from './problem.js';
import { sagasView } from './views/sagas.js';
import { sagaView } from './views/saga.js';
import { runsView, runView } from './views/reconciliation.js';
import { outboxView } from './views/outbox.js';
import { auditView } from './views/audit.js';

// Hash routes, so the coordinator serves one static page and a reload or a shared link opens the same view.
const routes = [
  [/^sagas\/([^/]+)$/, 'sagas', (m, params) => sagaView(decodeURIComponent(m[1]), params)],
  [/^sagas$/, 'sagas', (m, params) => sagasView(params)],
  [/^reconciliation\/([^/]+)$/, 'reconciliation', m => runView(decodeURIComponent(m[1]))],
  [/^reconciliation$/, 'reconciliation', () => runsView()],
  [/^outbox$/, 'outbox', () => outboxView()],
  [/^audit$/, 'audit', (m, params) => auditView(params)],
];

let generation = 0;
let stopCurrent = null;

/** Renders the view the hash names; a view started earlier and still loading is dropped. */
async function render() {
  const mine = ++generation;
  stopCurrent?.();
  stopCurrent = null;
  clearNotice();
  const [path, query] = (location.hash.replace(/^#\/?/, '') || 'sagas').split('?');
  const params = new URLSearchParams(query ?? '');
  const route = routes.find(([pattern]) => pattern.test(path));
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('current', a.dataset.view === route?.[1]));
  const view = document.getElementById('view');
  if (!route) {
    fill(view, h('p', { class: 'empty' }, 'No such page. '), h('a', { href: '#/sagas' }, 'Go to the sagas.'));
    return;
  }
  fill(view, h('p', { class: 'loading' }, 'Loading…'));
  try {
    const { node, stop } = await route[2](path.match(route[0]), params);
    if (mine !== generation) return stop?.();
    stopCurrent = stop ?? null;
    fill(view, node);
  } catch (error) {
    if (mine !== generation) return;
    fill(view);
    showNotice(error);
  }
}

function showKeyStatus() {
  fill(document.getElementById('key-status'), apiKey.get()
    ? 'A key is set for this tab; every request sends it.'
    : 'No key: reads work only where the server allows anonymous reads.');
}

document.getElementById('key-form').addEventListener('submit', event => {
  event.preventDefault();
  const input = document.getElementById('api-key');
  apiKey.set(input.value.trim());
  input.value = '';
  showKeyStatus();
  render();
});
document.getElementById('forget-key').addEventListener('click', () => {
  apiKey.set('');
  showKeyStatus();
  render();
});
window.addEventListener('hashchange', render);
showKeyStatus();
render();

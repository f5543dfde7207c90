// Builds DOM from text nodes only: server data never reaches innerHTML, so it cannot inject markup or script.

/** h('a', { href, class, onclick }, 'text', child, [more]) creates an element; null and false children are skipped. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything in node with children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A table; columns are [title, row => cell content]. No rows show `empty` instead, in a paragraph with the same id. */
export function table(columns, rows, empty = 'Nothing to show.', props = {}) {
  if (rows.length === 0) return h('p', { ...props, class: `empty ${props.class ?? ''}`.trim() }, empty);
  return h('table', props,
    h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.map(row => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row)))))));
}

/** A definition list of [term, value] pairs. */
export function facts(pairs, props = {}) {
  return h('dl', { class: 'facts', ...props }, pairs.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '–')]));
}

/** A state name as a badge whose colour says whether it is terminal, failed or in progress. */
export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`.trim() }, text ?? '–');
}

/** An instant as UTC, to the second: operators compare it with logs, which are in UTC. */
export function time(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().slice(0, 19).replace('T', ' ') + 'Z';
}

/** A duration in seconds, in the largest unit that keeps it readable. */
export function age(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export const sagaLink = id => h('a', { href: `#/sagas/${encodeURIComponent(id)}`, class: 'id' }, id);

/** "First page" and "Next page" links for keyset paging: the cursor rides in the hash with the other parameters. */
export function pager(route, params, nextCursor) {
  const at = cursor => {
    const next = new URLSearchParams(params);
    if (cursor) next.set('cursor', cursor); else next.delete('cursor');
    const query = next.toString();
    return `#/${route}${query ? '?' + query : ''}`;
  };
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    params.get('cursor') ? h('a', { href: at(null) }, 'First page') : null,
    nextCursor ? h('a', { href: at(nextCursor), rel: 'next' }, 'Next page') : h('span', { class: 'muted' }, 'Last page'));
}

/** Calls fn every `ms` until the returned stop is called; a failing call stops nothing, the next may succeed. */
export function every(ms, fn) {
  const timer = setInterval(() => fn().catch(() => {}), ms);
  return () => clearInterval(timer);
}

/** The colour of a saga state: finished well, undone, needing a person, or still going. */
export function stateBadge(state, isTerminal) {
  const kind = state === 'NeedsAttention' ? 'bad'
    : !isTerminal ? 'active'
    : state === 'Completed' ? 'ok' : 'undone';
  return badge(state, kind);
}

/** Opens a view by its hash; the same hash again renders it anew (a plain assignment would not fire hashchange). */
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

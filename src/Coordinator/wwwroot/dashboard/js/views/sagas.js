import { get } from '../api.js';
import { h, table, time, sagaLink, stateBadge, pager, navigate } from '../dom.js';

const filterNames = ['workflow', 'state', 'isTerminal', 'stuckFor', 'createdFrom', 'createdTo', 'limit'];

/** The sagas list: counts per workflow and state, the filters, and one page of sagas. */
export async function sagasView(params) {
  const filters = Object.fromEntries(filterNames.map(name => [name, params.get(name) ?? '']));
  const [counts, page] = await Promise.all([
    get('/api/sagas/counts'),
    get('/api/sagas', { ...filters, cursor: params.get('cursor') }),
  ]);
  return {
    node: h('section', { class: 'sagas' },
      h('h2', {}, 'Sagas'),
      countsView(counts),
      filterForm(filters, counts),
      table([
        ['Saga', s => sagaLink(s.sagaId)],
        ['Workflow', s => s.workflow],
        ['State', s => stateBadge(s.state, s.isTerminal)],
        ['Outcome', s => s.outcome ?? ''],
        ['Created', s => time(s.createdAt)],
        ['Updated', s => time(s.updatedAt)],
      ], page.items, 'No saga matches these filters.', { id: 'saga-list' }),
      pager('sagas', params, page.nextCursor)),
  };
}

const filterLink = query => `#/sagas?${new URLSearchParams(query)}`;

function countsView(counts) {
  return table([
    ['Workflow', c => h('a', { href: filterLink({ workflow: c.workflow }) }, c.workflow)],
    // A large workflow's counts are the database's estimates: marked as such.
    ['Total', c => (c.estimated ? '≈ ' : '') + String(c.total)],
    ['By state', c => Object.entries(c.byState).map(([state, n]) =>
      h('a', { class: 'chip', href: filterLink({ workflow: c.workflow, state }) }, `${state} ${n}`))],
  ], counts, 'No workflow is registered.', { id: 'saga-counts', 'aria-label': 'Sagas per workflow and state' });
}

// Times in the form are UTC, as everywhere on the dashboard; the API takes ISO 8601.
const toInput = iso => iso ? iso.slice(0, 16) : '';
const fromInput = value => value ? `${value}:00Z` : '';

function filterForm(filters, counts) {
  const states = [...new Set(counts.flatMap(c => Object.keys(c.byState)))].sort();
  const field = (label, name, control) => h('label', { class: 'field' }, h('span', {}, label), control);
  const select = (name, options) => h('select', { name },
    options.map(([value, text]) => h('option', { value, selected: filters[name] === value }, text)));

  const form = h('form', { class: 'filters', id: 'saga-filters', 'aria-label': 'Filters' },
    field('Workflow', 'workflow', select('workflow', [['', 'any'], ...counts.map(c => [c.workflow, c.workflow])])),
    field('State', 'state', h('input', { name: 'state', value: filters.state, list: 'saga-states', placeholder: 'any' })),
    h('datalist', { id: 'saga-states' }, states.map(s => h('option', { value: s }))),
    field('Finished', 'isTerminal', select('isTerminal', [['', 'any'], ['false', 'in progress'], ['true', 'finished']])),
    field('Stuck for', 'stuckFor', h('input', { name: 'stuckFor', value: filters.stuckFor, placeholder: 'seconds or 00:05:00', size: 12 })),
    field('Created from (UTC)', 'createdFrom', h('input', { name: 'createdFrom', type: 'datetime-local', value: toInput(filters.createdFrom) })),
    field('Created before (UTC)', 'createdTo', h('input', { name: 'createdTo', type: 'datetime-local', value: toInput(filters.createdTo) })),
    field('Per page', 'limit', h('input', { name: 'limit', type: 'number', min: 1, max: 500, value: filters.limit, placeholder: '50', size: 5 })),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('a', { href: '#/sagas', class: 'button' }, 'Clear')));

  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form);
    const query = {};
    for (const name of filterNames) {
      const value = String(data.get(name) ?? '').trim();
      if (value) query[name] = name.startsWith('created') ? fromInput(value) : value;
    }
    // A new filter starts from the first page: the old cursor belongs to the old filter.
    navigate(filterLink(query));
  });
  return form;
}

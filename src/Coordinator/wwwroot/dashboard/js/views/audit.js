import { get } from '../api.js';
import { h, pager } from '../dom.js';
import { auditTable } from './actions.js';

/** Every manual action on any saga, newest first, a page at a time. */
export async function auditView(params) {
  const page = await get('/api/audit', { limit: 50, cursor: params.get('cursor') });
  return {
    node: h('section', { class: 'audit-log' },
      h('h2', {}, 'Audit log'),
      h('p', { class: 'hint' }, 'Every manual action asked of a saga: who, when, why and what came of it.'),
      auditTable(page.items, 'No action was asked of any saga yet.', true),
      pager('audit', params, page.nextCursor)),
  };
}

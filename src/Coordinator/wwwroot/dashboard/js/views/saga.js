import { get } from '../api.js';
import { h, fill, facts, table, time, badge, stateBadge } from '../dom.js';
import { showNotice } from '../problem.js';
import { actionLabels, auditTable, openActionDialog } from './actions.js';

/** One saga: its state, the actions it allows now, its steps, its transitions and the actions taken on it. */
export async function sagaView(id) {
  const node = h('section', { class: 'saga' });
  const refresh = async () => {
    const path = `/api/sagas/${encodeURIComponent(id)}`;
    const [saga, actions] = await Promise.all([get(path), get(`${path}/actions`)]);
    fill(node, content(saga, actions, () => refresh().catch(showNotice)));
  };
  await refresh();
  return { node };
}

function content(saga, actions, refresh) {
  return [
    h('div', { class: 'heading' },
      h('h2', {}, `${saga.workflow} `, h('span', { class: 'id' }, saga.sagaId)),
      h('button', { type: 'button', onclick: refresh }, 'Refresh')),
    facts([
      ['State', stateBadge(saga.state, saga.isTerminal)],
      ['Finished', saga.isTerminal ? 'yes' : 'no'],
      ['Outcome', saga.outcome],
      ['Deadline', saga.deadlineAt ? time(saga.deadlineAt) : null],
      ['Created', time(saga.createdAt)],
      ['Updated', time(saga.updatedAt)],
    ], { id: 'saga-facts' }),
    h('h3', {}, 'Manual actions'),
    actionButtons(saga, refresh),
    h('h3', {}, 'Steps'),
    table([
      ['Step', s => s.name],
      ['Phase', s => s.phase],
      ['Status', s => badge(s.status, { Succeeded: 'ok', SettledByHand: 'ok', Failed: 'bad', Pending: 'active' }[s.status] ?? '')],
      ['Attempts', s => String(s.attempts)],
      ['Last error', s => s.lastError ?? ''],
    ], saga.steps, 'No step has started.', { id: 'saga-steps' }),
    h('h3', {}, 'Transitions'),
    saga.history.length === 0 ? h('p', { class: 'empty' }, 'No transition yet.') :
      h('ol', { class: 'timeline', id: 'saga-history' }, saga.history.map(t => h('li', {},
        h('time', { datetime: t.at }, time(t.at)), ' ',
        badge(t.from), ' → ', badge(t.to), ' ', h('span', { class: 'event' }, `on ${t.event}`)))),
    h('h3', {}, 'Actions taken'),
    auditTable(actions, 'No action was asked of this saga yet.'),
  ];
}

function actionButtons(saga, refresh) {
  if (saga.allowedActions.length === 0)
    return h('p', { class: 'empty', id: 'no-actions' }, `No manual action is allowed in state ${saga.state}.`);
  return h('div', { class: 'buttons', id: 'saga-actions' },
    saga.allowedActions.map(action => h('button', {
      type: 'button', class: action === 'retry' ? '' : 'danger', 'data-action': action,
      onclick: () => openActionDialog(saga, action, refresh),
    }, `${actionLabels[action] ?? action}…`)));
}

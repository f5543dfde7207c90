import { call, get } from '../api.js';
import { h, fill, facts, table, time, badge, sagaLink } from '../dom.js';
import { problemView } from '../problem.js';

export const actionLabels = { retry: 'Retry', compensate: 'Compensate', resolve: 'Resolve' };

const explanations = {
  retry: 'Sends the step the saga waits on again now, with a fresh deadline.',
  compensate: 'Stops going forward and undoes what may have been done, starting now.',
  resolve: 'Closes a saga that needs attention, once it was settled outside the coordinator.',
};

const statusKinds = { Applied: 'ok', Refused: 'bad', Requested: 'active', DryRun: '' };
const statusTexts = {
  DryRun: 'Dry run: nothing was changed. Confirm to do it.',
  Requested: 'Requested: waiting for the saga to apply it…',
  Applied: 'Applied by the saga.',
  Refused: 'Refused: the saga had moved on.',
};

// How long the dialog follows a requested action; the saga applies it with its next message, normally in a second.
const followFor = 30_000;
const pollEvery = 500;

/** The audit records of actions, newest first; `withSaga` adds the saga they were asked of. */
export function auditTable(records, empty, withSaga = false) {
  return table([
    ...(withSaga ? [['Saga', a => sagaLink(a.sagaId)], ['Workflow', a => a.workflow]] : []),
    ['Requested', a => time(a.requestedAt)],
    ['Action', a => a.dryRun ? `${a.action} (dry run)` : a.action],
    ['Status', a => badge(a.status, statusKinds[a.status])],
    ['Actor', a => a.actor],
    ['Reason', a => a.reason],
    ['Detail', a => a.detail],
    ['In state', a => a.stateBefore],
    ['Completed', a => time(a.completedAt)],
  ], records, empty, { class: 'audit' });
}

const $ = id => document.getElementById(id);
let opened = 0;

/**
 * The confirmation dialog of one action: a reason is required, a dry run shows what would happen and only then is
 * Confirm enabled; a confirmed action is followed until the saga applied or refused it. `changed` re-reads the saga.
 */
export function openActionDialog(saga, action, changed) {
  const mine = ++opened;
  const dialog = $('action-dialog'), reason = $('action-reason'), result = $('action-result');
  const dryRun = $('action-dry-run'), confirm = $('action-confirm');
  const current = () => mine === opened && dialog.open;
  fill($('action-title'), `${actionLabels[action] ?? action} this saga?`);
  fill($('action-summary'), `${saga.workflow} ${saga.sagaId}, now ${saga.state}. ${explanations[action] ?? ''}`);
  reason.value = '';
  fill(result);
  dryRun.disabled = false;
  confirm.disabled = true;

  const send = async asDryRun => {
    if (!reason.value.trim()) {
      fill(result, problemView({ title: 'A reason is required', hint: 'Say why, for the audit log.' }));
      reason.focus();
      return;
    }
    dryRun.disabled = confirm.disabled = true;
    fill(result, h('p', { class: 'loading' }, asDryRun ? 'Asking what it would do…' : 'Sending…'));
    try {
      const { data } = await call(`/api/sagas/${saga.sagaId}/actions/${action}`,
        { method: 'POST', body: { reason: reason.value.trim(), dryRun: asDryRun } });
      if (!current()) return;
      fill(result, recordView(data));
      if (asDryRun) {
        dryRun.disabled = confirm.disabled = false;
        return;
      }
      const final = await follow(data, current);
      if (current()) fill(result, recordView(final.record, final.timedOut));
      changed();
    } catch (error) {
      if (!current()) return;
      fill(result, problemView(error));
      dryRun.disabled = false;
      // Someone or something moved the saga on: show what it allows now.
      if (error.status === 409 || error.status === 404) changed();
    }
  };
  dryRun.onclick = () => send(true);
  confirm.onclick = () => send(false);
  $('action-close').onclick = () => dialog.close();
  dialog.showModal();
  reason.focus();
}

async function follow(record, current) {
  const until = Date.now() + followFor;
  while (record.status === 'Requested' && Date.now() < until && current()) {
    await new Promise(resolve => setTimeout(resolve, pollEvery));
    record = await get(`/api/sagas/${record.sagaId}/actions/${record.actionId}`);
  }
  return { record, timedOut: record.status === 'Requested' };
}

function recordView(record, timedOut = false) {
  return h('div', { class: `record ${statusKinds[record.status] ?? ''}`, 'data-status': record.status },
    h('strong', { class: 'record-status' }, statusTexts[record.status] ?? record.status),
    timedOut ? h('p', { class: 'hint' }, `Still requested after ${followFor / 1000} s: the saga applies it when it ` +
      'handles its next message. Its audit list shows the result.') : null,
    facts([
      ['What it does', record.detail],
      ['Actor', record.actor],
      ['Reason', record.reason],
      ['Requested', time(record.requestedAt)],
      ['Completed', record.completedAt ? time(record.completedAt) : null],
    ]));
}

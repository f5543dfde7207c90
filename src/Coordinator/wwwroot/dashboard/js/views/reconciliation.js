import { call, get } from '../api.js';
import { h, fill, facts, table, time, age, badge, sagaLink, every, navigate } from '../dom.js';
import { problemView } from '../problem.js';

const runKinds = { Completed: 'ok', Running: 'active', Abandoned: 'bad' };
const runLink = run => h('a', { href: `#/reconciliation/${run.id}` }, time(run.startedAt));
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The latest reconciliation reports, and buttons to run one now (dry or real). */
export async function runsView() {
  const runs = await get('/api/reconciliation/runs');
  const result = h('div', { id: 'run-result', role: 'status' });
  const requeue = h('input', { type: 'checkbox', id: 'requeue-error-queues' });
  // Messages older than the inbox retention are kept (the report says so, with result "refused") unless forced.
  const force = h('input', { type: 'checkbox', id: 'requeue-force' });
  const options = () => ({ requeueErrorQueues: requeue.checked, force: force.checked });
  return {
    node: h('section', { class: 'reconciliation' },
      h('h2', {}, 'Reconciliation'),
      h('p', { class: 'hint' }, 'A run finds stuck sagas, stale outbox messages, error queue messages and bank ' +
        'transfers that contradict the bank. A dry run only reports; a real run also repairs.'),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', id: 'run-dry', onclick: () => start(true, options(), result) }, 'Dry run now'),
        h('button', { type: 'button', id: 'run-real', class: 'danger', onclick: () => start(false, options(), result) },
          'Run and repair…'),
        h('label', {}, requeue, ' also move error queue messages back to their queues'),
        h('label', {}, force, ' even those older than the inbox retention (they may be consumed twice)')),
      result,
      table([
        ['Started', runLink],
        ['Trigger', r => r.trigger],
        ['Kind', r => r.dryRun ? 'dry run' : 'repair'],
        ['Status', r => badge(r.status, runKinds[r.status])],
        ['Findings', r => String(r.findings.length)],
        ['Repairs', r => String(r.actions.length)],
        ['Errors', r => String(r.errors.length)],
      ], runs, 'No run yet.', { id: 'run-list' })),
  };
}

async function start(dryRun, { requeueErrorQueues, force }, result) {
  if (!dryRun && !await confirmed('Run reconciliation now and repair what it finds?'))
    return;
  fill(result, h('p', { class: 'loading' }, 'Running…'));
  try {
    const { status, data } = await call('/api/reconciliation/runs', { method: 'POST', query: { dryRun, requeueErrorQueues, force } });
    // 202: the run goes on in the coordinator; its report page follows it.
    navigate(`#/reconciliation/${status === 202 ? data.runId : data.id}`);
  } catch (error) {
    fill(result, problemView(error));
  }
}

function confirmed(message) {
  const dialog = document.getElementById('confirm-dialog');
  fill(document.getElementById('confirm-message'), message);
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true }));
}

/** One report: what each check examined, what it found, what it did and which checks failed. */
export async function runView(id) {
  const node = h('section', { class: 'report' });
  const show = async () => {
    const run = await get(`/api/reconciliation/runs/${encodeURIComponent(id)}`);
    fill(node, report(run));
    return run.status === 'Running';
  };
  // A run still going is followed until it finishes.
  const stop = await show() ? every(1000, async () => { if (!await show()) stop(); }) : null;
  return { node, stop };
}

function report(run) {
  const subject = s => uuid.test(s) ? sagaLink(s) : s;
  return [
    h('p', {}, h('a', { href: '#/reconciliation' }, '← All reports')),
    h('h2', {}, `Reconciliation report ${time(run.startedAt)}`),
    facts([
      ['Status', badge(run.status, runKinds[run.status])],
      ['Kind', run.dryRun ? 'dry run (reports only)' : 'repair'],
      ['Trigger', run.tick === null ? run.trigger : `${run.trigger} (tick ${run.tick})`],
      ['Started', time(run.startedAt)],
      ['Finished', run.finishedAt ? time(run.finishedAt) : null],
      ['Run id', run.id],
    ], { id: 'run-facts' }),
    h('h3', {}, 'Examined'),
    table([['Check', ([check]) => check], ['Items', ([, n]) => String(n)]], Object.entries(run.examined),
      'Nothing examined yet.', { id: 'run-examined' }),
    h('h3', {}, `Findings (${run.findings.length})`),
    table([
      ['Check', f => f.check], ['Kind', f => f.kind], ['Subject', f => subject(f.subject)], ['Detail', f => f.detail],
      ['Age', f => age(f.ageSeconds)],
    ], run.findings, 'Nothing found: everything is consistent.', { id: 'run-findings' }),
    h('h3', {}, 'Repairs'),
    table([['Check', a => a.check], ['Subject', a => subject(a.subject)], ['Did', a => a.action],
      ['Result', a => badge(a.result, { ok: 'ok', refused: 'bad' }[a.result] ?? '')]],
      run.actions, run.dryRun ? 'None: a dry run repairs nothing.' : 'Nothing needed repair.', { id: 'run-actions' }),
    run.errors.length ? [h('h3', {}, 'Checks that failed'), h('ul', { class: 'errors' }, run.errors.map(e => h('li', {}, e)))] : null,
  ];
}

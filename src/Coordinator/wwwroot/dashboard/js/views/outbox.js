import { get } from '../api.js';
import { h, fill, time, age, every } from '../dom.js';

/** The coordinator outbox backlog, read again every few seconds while the view is open. */
export async function outboxView() {
  const node = h('section', { class: 'outbox' });
  const show = async () => fill(node, content(await get('/api/outbox')));
  await show();
  return { node, stop: every(5000, show) };
}

function content(backlog) {
  const tile = (label, value, id) => h('div', { class: 'tile' }, h('span', { class: 'label' }, label), h('output', { id }, value));
  return [
    h('h2', {}, 'Outbox backlog'),
    h('p', { class: 'hint' }, 'Messages the coordinator committed and has not yet delivered to RabbitMQ. A backlog ' +
      'that only grows, or an oldest message older than a few seconds, means delivery is stalled or the broker is down.'),
    h('div', { class: 'tiles' },
      tile('Undelivered messages', String(backlog.count), 'outbox-count'),
      tile('Oldest waiting for', age(backlog.oldestAgeSeconds), 'outbox-age'),
      tile('Oldest committed at', time(backlog.oldestSentAt), 'outbox-oldest'),
      tile('Dead letters', String(backlog.deadLettered), 'outbox-dead-letters')),
    h('p', { class: 'hint' }, 'Dead letters are messages the broker refused again and again while it took others; ' +
      'list them with GET /api/outbox/dead-letters and requeue each once its cause is fixed.'),
    h('p', { class: 'muted' }, `Read at ${time(new Date().toISOString())}; refreshed every 5 s.`),
  ];
}

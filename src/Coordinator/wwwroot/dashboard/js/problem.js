import { h, fill } from './dom.js';

/** An error as the user sees it: status and title, the server's detail, the fields at fault and what to do. */
export function problemView(error) {
  return h('div', { class: 'problem', 'data-status': error.status ?? '' },
    h('strong', { class: 'problem-title' }, error.status ? `${error.status} ${error.title}` : error.title ?? String(error)),
    error.detail ? h('p', { class: 'problem-detail' }, error.detail) : null,
    error.errors?.length ? h('ul', {}, error.errors.map(e => h('li', {}, e))) : null,
    error.hint ? h('p', { class: 'hint' }, error.hint) : null);
}

const notice = () => document.getElementById('notice');

/** Shows an error above the view, for failures of the page itself rather than of one action. */
export function showNotice(error) {
  fill(notice(), problemView(error), h('button', { type: 'button', class: 'link', onclick: clearNotice }, 'Dismiss'));
  notice().hidden = false;
}

export function clearNotice() {
  fill(notice());
  notice().hidden = true;
}

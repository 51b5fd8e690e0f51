// The login screen: from the mini-program's assertion, or the clearly
// marked demo login; and the way to the public reporting screen.

import { h, uid } from '../../shared/dom.js';
import { t } from '../i18n.js';
import { api, ApiError, setToken } from '../api.js';
import { state, go, goHome, render, messageSlot, showMessage, showError, forgetDrafts, rememberDemoId } from '../state.js';
import { button, title, textField, busy } from '../pieces.js';

export async function checkDemo() {
  try {
    const { data } = await api('GET', '/api/v1/demo');
    state.demo = Boolean(data && data.enabled);
  } catch {
    state.demo = false;
  }
}

export async function loginWith(assertion) {
  const { data } = await api('POST', '/api/v1/sessions', { assertion });
  if (!data || typeof data.token !== 'string') throw new ApiError(500);
  setToken(data.token);
  forgetDrafts('login');
  goHome({ replace: true });
}

export function loginScreen(params) {
  if (state.demo === null) {
    checkDemo().then(() => {
      if (state.screen === 'login') render({ focus: 'keep' });
    });
  }
  const demoBox = state.demo ? demoLoginBox() : null;
  return [
    title(t('login.title')),
    h('p', { class: 'lead' }, t('login.intro')),
    messageSlot(),
    params.pending ? null : h('div', { class: 'panel panel-info' }, h('p', {}, t('login.open_from_app'))),
    demoBox,
    params.pending ? null : reportEntry(),
  ];
}

/** The way to the public reporting screen, open to anyone (login screen). */
function reportEntry() {
  return h('section', { class: 'more', 'aria-labelledby': 'report-entry-title' },
    h('h2', { id: 'report-entry-title' }, t('report.entry_title')),
    h('p', {}, t('report.entry_text')),
    button(t('report.open'), () => go('report'), { testid: 'report-open' }));
}

function demoLoginBox() {
  const headingId = uid('demo');
  const form = h(
    'form',
    { class: 'form', novalidate: true, on: { submit: (event) => submitDemoLogin(event, form) } },
    textField({
      name: 'id_number',
      label: t('demo.id_label'),
      hint: t('demo.id_hint'),
      attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: '18', 'data-testid': 'demo-id', dir: 'ltr' },
    }),
    button(t('demo.login_button'), null, { kind: 'primary', type: 'submit', testid: 'demo-login' }),
  );
  return h(
    'section',
    { class: 'demo', 'aria-labelledby': headingId },
    h('h2', { id: headingId, class: 'demo-title' }, h('span', { class: 'demo-tag' }, t('demo.legend'))),
    h('p', {}, t('demo.login_note')),
    form,
  );
}

async function submitDemoLogin(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const id = form.elements.id_number.value.trim().toUpperCase();
  if (!id) {
    showMessage('error', () => t('demo.id_missing'), 'id_number');
    form.elements.id_number.focus();
    return;
  }
  busy(form, true);
  showMessage('info', () => t('login.logging_in'));
  try {
    const { data } = await api('POST', '/api/v1/demo/assertion', { id_number: id });
    rememberDemoId(id);
    await loginWith(data.assertion);
  } catch (error) {
    busy(form, false);
    showError(error, error instanceof ApiError && error.status === 422 ? 'id_number' : null);
  }
}

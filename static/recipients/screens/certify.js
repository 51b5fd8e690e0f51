// Certifying with a face check, with the helper who holds the phone if any
// (R6.3), and its outcomes: certified, or a home visit arranged instead.

import { h, uid } from '../../shared/dom.js';
import { t, formatDate } from '../i18n.js';
import { api, ApiError, errorMessage } from '../api.js';
import { state, go, goHome, messageSlot, showMessage, showError, sessionEnded, demoId } from '../state.js';
import { button, backHome, title, textField, choiceGroup, busy, RELATIONS } from '../pieces.js';
import { checkDemo } from './login.js';

/** Who may help a person through a face check (R6.3): family, a community worker, a volunteer. */
const HELPERS = [...RELATIONS.filter((r) => r !== 'other'), 'community_worker', 'volunteer'];

export function certifyScreen(params) {
  const step = params.step || 'intro';
  const parts = [backHome(), title(t('certify.title')), h('p', { class: 'lead' }, t('certify.explain'))];
  if (step === 'intro') {
    parts.push(
      h('div', { class: 'panel' },
        h('p', { class: 'tips-title' }, t('certify.tips_title')),
        h('ol', { class: 'tips' }, ['tip1', 'tip2', 'tip3'].map((k) => h('li', {}, t(`certify.${k}`))))),
      helperFields(),
      messageSlot(),
      h('div', { class: 'main-action' },
        button(params.retry ? t('certify.try_again') : t('certify.start'), startCertify, { kind: 'primary', testid: 'certify-start', icon: '☺' })),
    );
    if (params.retry) parts.push(h('p', {}, t('certify.other_way')), button(t('action.home_visit'), () => go('visit'), { testid: 'go-visit' }));
  } else if (step === 'face' && state.challenge) {
    parts.push(messageSlot());
    if (state.demo) parts.push(demoFaceBox());
    else parts.push(h('p', { class: 'panel panel-info' }, t('certify.no_provider')), button(t('action.home_visit'), () => go('visit'), { testid: 'go-visit' }));
  } else {
    return certifyScreen({ step: 'intro' });
  }
  return parts;
}

/**
 * When a relative or a community worker holds the phone (R6.3): who they
 * are is recorded beside the person's own face check.
 */
function helperFields() {
  const details = h('div', { class: 'helper-fields', hidden: !state.helper },
    choiceGroup({ name: 'helper_relation', legend: t('certify.helper_relation'), options: HELPERS.map((r) => [r, t(`relation.${r}`)]) }),
    textField({ name: 'helper_name', label: t('certify.helper_name'), attrs: { autocomplete: 'off', maxlength: '50', value: state.helper?.name ?? '', 'data-testid': 'helper-name' } }));
  const id = uid('helped');
  const box = h('input', { type: 'checkbox', id, name: 'helped', checked: Boolean(state.helper), 'data-testid': 'certify-helped' });
  box.addEventListener('change', () => { details.hidden = !box.checked; });
  return h('div', { class: 'panel helper' },
    h('div', { class: 'choice' }, box, h('label', { for: id }, t('certify.helped'))),
    h('p', { class: 'hint' }, t('certify.helper_hint')),
    details);
}

/** The helper the intro screen names, or null; a problem when half filled in. */
function chosenHelper() {
  const box = document.querySelector('input[name="helped"]');
  if (!box || !box.checked) return null;
  const relation = document.querySelector('input[name="helper_relation"]:checked')?.value;
  const name = document.querySelector('input[name="helper_name"]')?.value.trim() ?? '';
  if (!relation) return { problem: 'helper_relation' };
  if (!name) return { problem: 'helper_name' };
  return { relation, name };
}

async function startCertify(event) {
  if (state.busy) return;
  const helper = chosenHelper();
  if (helper && helper.problem) {
    showMessage('error', () => t(`certify.${helper.problem}_missing`), helper.problem);
    return;
  }
  state.helper = helper;
  const trigger = event && event.currentTarget;
  if (trigger) trigger.disabled = true;
  state.busy = true;
  showMessage('info', () => t('certify.preparing'));
  try {
    if (state.demo === null) await checkDemo();
    const { data } = await api('POST', '/api/v1/me/certifications/challenges');
    state.challenge = data;
    go('certify', { step: 'face' }, { replace: true });
  } catch (error) {
    state.busy = false;
    if (trigger) trigger.disabled = false;
    if (sessionEnded(error)) return;
    showError(error);
  }
}

function demoFaceBox() {
  const headingId = uid('demo-face');
  const form = h(
    'form',
    { class: 'form', novalidate: true, on: { submit: (event) => submitDemoFace(event, form) } },
    textField({
      name: 'subject',
      label: t('demo.id_label'),
      hint: t('demo.id_hint'),
      attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: '18', value: demoId(), 'data-testid': 'demo-subject', dir: 'ltr' },
    }),
    button(t('demo.face_button'), null, { kind: 'primary', type: 'submit', testid: 'demo-face', icon: '☺' }),
  );
  return h(
    'section',
    { class: 'demo', 'aria-labelledby': headingId },
    h('h2', { id: headingId, class: 'demo-title' }, h('span', { class: 'demo-tag' }, t('demo.face_legend'))),
    h('p', {}, t('demo.face_note')),
    form,
  );
}

async function submitDemoFace(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const subject = form.elements.subject.value.trim().toUpperCase();
  if (!subject) {
    showMessage('error', () => t('demo.id_missing'), 'subject');
    form.elements.subject.focus();
    return;
  }
  const challenge = state.challenge;
  busy(form, true);
  showMessage('info', () => t('certify.checking'));
  try {
    const face = (await api('POST', '/api/v1/demo/face', { nonce: challenge.nonce, subject })).data;
    const { data } = await api('POST', '/api/v1/me/certifications', {
      challenge_id: challenge.challenge_id,
      provider: face.provider,
      result: face.result,
      signature: face.signature,
      ...(state.helper ? { helper: state.helper } : {}),
    });
    state.challenge = null;
    state.status = null;
    go('certify-done', { benefits: Array.isArray(data && data.benefits) ? data.benefits : [] }, { replace: true });
  } catch (error) {
    busy(form, false);
    if (sessionEnded(error)) return;
    if (error instanceof ApiError && error.problem?.next_step === 'home_visit') {
      // Failed checks of someone frail or old: a home visit instead of another try (R6.3).
      state.challenge = null;
      go('certify-visit', {}, { replace: true });
      return;
    }
    if (error instanceof ApiError && (error.status === 422 || error.status === 429)) {
      // The challenge is spent: start over, with the sentence explaining why.
      state.challenge = null;
      const message = { kind: 'error', text: () => errorMessage(error) };
      go('certify', { retry: true }, { replace: true, message });
      return;
    }
    showError(error);
  }
}

export function certifyDoneScreen(params) {
  const benefits = Array.isArray(params.benefits) ? params.benefits : [];
  const suspended = benefits.some((b) => b.payment_status === 'suspended' || b.note);
  const dues = benefits.map((b) => b.next_due).filter(Boolean).sort();
  return [
    backHome(),
    h('div', { class: 'result result-success' },
      h('p', { class: 'result-icon', 'aria-hidden': 'true' }, '✓'),
      title(t('certify.success_title'), { 'data-testid': 'certify-result' }),
      h('p', { class: 'lead' }, t('certify.success')),
      suspended ? h('p', { class: 'panel panel-warn' }, t('certify.note_suspended')) : null,
      dues.length ? h('p', {}, t('certify.next', { date: formatDate(dues[0]) })) : null),
    h('div', { class: 'main-action' }, button(t('common.home'), () => goHome(), { kind: 'primary', testid: 'done-home' })),
  ];
}

/** Failed face checks turned into a home visit (R6.3): nothing more to try. */
export function certifyVisitScreen() {
  return [
    backHome(),
    h('div', { class: 'result' },
      h('p', { class: 'result-icon', 'aria-hidden': 'true' }, '⌂'),
      title(t('certify.visit_arranged_title'), { 'data-testid': 'certify-visit' }),
      h('p', { class: 'lead' }, t('certify.visit_arranged'))),
    h('div', { class: 'main-action' }, button(t('common.home'), () => goHome(), { kind: 'primary', testid: 'done-home' })),
  ];
}

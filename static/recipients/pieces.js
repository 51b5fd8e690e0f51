// The pieces the recipients' screens are built of: buttons, headings, text
// fields and choices, and the words for benefits and certification channels.

import { h, uid } from '../shared/dom.js';
import { t, lang } from './i18n.js';
import { getToken } from './api.js';
import { state, go, goHome, showMessage } from './state.js';

const BENEFIT_TYPES = ['employee_pension', 'government_pension', 'resident_pension', 'work_injury', 'work_injury_dependant', 'unemployment'];
export const RELATIONS = ['spouse', 'child', 'parent', 'sibling', 'grandchild', 'other'];
const CHANNELS = ['self_service_face', 'window_certification', 'home_visit', 'video_certification'];

export function button(label, onClick, { kind = 'secondary', testid = null, type = 'button', icon = null } = {}) {
  return h(
    'button',
    { type, class: ['button', `button-${kind}`], 'data-testid': testid, on: { click: onClick } },
    icon ? h('span', { class: 'button-icon', 'aria-hidden': 'true' }, icon) : null,
    h('span', { class: 'button-label' }, label),
  );
}

export function backHome() {
  return h('p', { class: 'back' }, button(t('common.home'), () => goHome(), { kind: 'back', testid: 'home' }));
}

export function title(text, extra = {}) {
  return h('h1', { tabindex: '-1', ...extra }, text);
}

/** A labelled text field with an optional hint. */
export function textField({ name, label, hint = null, type = 'text', required = true, attrs = {}, multiline = false }) {
  const id = uid(name);
  const hintId = hint ? `${id}-hint` : null;
  const control = h(multiline ? 'textarea' : 'input', {
    id,
    name,
    ...(multiline ? { rows: '4' } : { type }),
    class: 'input',
    required,
    'aria-required': required ? 'true' : null,
    'aria-describedby': hintId,
    ...attrs,
  });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id, class: 'label' }, label),
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    control,
  );
}

/** A group of big radio buttons or checkboxes. */
export function choiceGroup({ name, legend, options, type = 'radio', required = true }) {
  return h(
    'fieldset',
    { class: 'choices' },
    h('legend', { class: 'label' }, legend),
    h('div', { class: ['choice-list', type === 'checkbox' && 'choice-grid'] },
      options.map(([value, label]) => {
        const id = uid(name);
        return h('div', { class: 'choice' }, h('input', { type, id, name, value, required: type === 'radio' && required }), h('label', { for: id }, label));
      })),
  );
}

export function benefitName(code) {
  return BENEFIT_TYPES.includes(code) ? t(`benefit.${code}`) : t('benefit.other');
}

/** Removes the requirement ids (e.g. "（R5.3）") that mean nothing to a recipient. */
export function plain(text) {
  return String(text)
    .replace(/[（(]\s*R\d+(\.\d+)*(-\d+)?\s*[）)]/g, '')
    .replace(/[，,]\s*R\d+(\.\d+)*(-\d+)?(?=[）)])/g, '')
    .trim();
}

export function busy(form, on) {
  state.busy = on;
  for (const el of form.querySelectorAll('button[type="submit"]')) {
    el.disabled = on;
    el.setAttribute('aria-busy', String(on));
  }
}

export function invalid(key, field) {
  showMessage('error', () => t(key), field);
  document.querySelector(`#screen [name="${field}"]`)?.focus({ preventScroll: true });
}

/** How a certification was made, in plain words. */
export function channelName(code, labelZh) {
  if (CHANNELS.includes(code)) return t(`channel.${code}`);
  if (lang() === 'zh' && labelZh) return labelZh;
  return t('channel.other');
}

/** Back to the start: home when logged in, else the login screen. */
export function backStart() {
  return h('p', { class: 'back' }, button(t('common.home'), () => (getToken() ? goHome() : go('login')), { kind: 'back', testid: 'home' }));
}

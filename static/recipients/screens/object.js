// Objecting to a suspension, within the time allowed.

import { h } from '../../shared/dom.js';
import { t, formatDate } from '../i18n.js';
import { api } from '../api.js';
import { state, go, render, messageSlot, showMessage, showError, sessionEnded, forgetDrafts } from '../state.js';
import { button, backHome, title, textField, choiceGroup, benefitName, busy, invalid } from '../pieces.js';
import { loadStatus, actionCodes } from './home.js';

export function objectScreen() {
  if (!state.status && !state.statusError) {
    loadStatus().then(() => {
      if (state.screen === 'object') render({ focus: 'keep' });
    });
    return [backHome(), title(t('object.title')), h('p', { class: 'loading', role: 'status' }, t('common.loading'))];
  }
  const benefits = (state.status?.benefits || []).filter((b) => actionCodes(b).includes('object'));
  if (!benefits.length) return [backHome(), title(t('object.title')), h('p', { class: 'panel' }, t('object.none'))];
  const form = h(
    'form',
    { class: 'form', novalidate: true, on: { submit: (event) => submitObjection(event, form) } },
    choiceGroup({
      name: 'benefit_id',
      legend: t('object.benefit_legend'),
      options: benefits.map((b) => {
        const until = (b.actions || []).find((a) => a.code === 'object')?.until;
        return [b.benefit_id, `${benefitName(b.benefit_type)}${until ? ` — ${t('action.object_until', { date: formatDate(until) })}` : ''}`];
      }),
    }),
    textField({ name: 'text', label: t('object.text'), hint: t('object.text_hint'), multiline: true, attrs: { maxlength: '2000' } }),
    messageSlot(),
    button(t('object.submit'), null, { kind: 'primary', type: 'submit', testid: 'object-submit' }),
  );
  if (benefits.length === 1) form.querySelector('[name="benefit_id"]').checked = true;
  return [backHome(), title(t('object.title')), h('p', { class: 'lead' }, t('object.explain')), form];
}

async function submitObjection(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const benefitId = form.querySelector('[name="benefit_id"]:checked')?.value;
  const text = form.elements.text.value.trim();
  if (!benefitId) return invalid('object.pick_benefit', 'benefit_id');
  if (!text) return invalid('object.need_text', 'text');
  busy(form, true);
  showMessage('info', () => t('common.sending'));
  try {
    await api('POST', '/api/v1/me/objections', { benefit_id: benefitId, text });
    forgetDrafts('object');
    state.status = null;
    go('object-done', {}, { replace: true });
  } catch (error) {
    busy(form, false);
    if (sessionEnded(error)) return;
    showError(error);
  }
}

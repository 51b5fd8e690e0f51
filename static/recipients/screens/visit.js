// Asking for a home visit.

import { h } from '../../shared/dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { state, go, messageSlot, showMessage, showError, sessionEnded, forgetDrafts } from '../state.js';
import { button, backHome, title, textField, choiceGroup, busy, invalid } from '../pieces.js';

const VISIT_REASONS = ['very_old', 'illness', 'disability', 'other'];
// Preferred days are stored as the Chinese words staff read; the label is translated.
const DAYS = [['mon', '周一'], ['tue', '周二'], ['wed', '周三'], ['thu', '周四'], ['fri', '周五'], ['sat', '周六'], ['sun', '周日']];

export function visitScreen() {
  const form = h(
    'form',
    { class: 'form', novalidate: true, on: { submit: (event) => submitVisit(event, form) } },
    choiceGroup({ name: 'reason', legend: t('visit.reason_legend'), options: VISIT_REASONS.map((r) => [r, t(`visit.reason.${r}`)]) }),
    textField({ name: 'address', label: t('visit.address'), hint: t('visit.address_hint'), attrs: { autocomplete: 'street-address', maxlength: '200' } }),
    textField({ name: 'phone', label: t('visit.phone'), hint: t('visit.phone_hint'), type: 'tel', attrs: { autocomplete: 'tel', inputmode: 'tel', maxlength: '20', dir: 'ltr' } }),
    choiceGroup({ name: 'preferred_days', legend: t('visit.days_legend'), type: 'checkbox', required: false, options: DAYS.map(([key, value]) => [value, t(`day.${key}`)]) }),
    messageSlot(),
    button(t('visit.submit'), null, { kind: 'primary', type: 'submit', testid: 'visit-submit' }),
  );
  return [backHome(), title(t('visit.title')), h('p', { class: 'lead' }, t('visit.explain')), form];
}

async function submitVisit(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const reason = form.querySelector('[name="reason"]:checked')?.value;
  const address = form.elements.address.value.trim();
  const phone = form.elements.phone.value.trim();
  const days = [...form.querySelectorAll('[name="preferred_days"]:checked')].map((c) => c.value);
  if (!reason) return invalid('visit.pick_reason', 'reason');
  if (!address) return invalid('visit.need_address', 'address');
  if (!phone) return invalid('visit.need_phone', 'phone');
  busy(form, true);
  showMessage('info', () => t('common.sending'));
  try {
    const { data } = await api('POST', '/api/v1/me/home-visits', { reason, address, phone, preferred_days: days });
    forgetDrafts('visit');
    state.status = null;
    go('visit-done', { deadline: data.deadline, merged: Boolean(data.merged) }, { replace: true });
  } catch (error) {
    busy(form, false);
    if (sessionEnded(error)) return;
    showError(error);
  }
}

// Reporting a relative's death.

import { h } from '../../shared/dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { state, go, messageSlot, showMessage, showError, sessionEnded, forgetDrafts } from '../state.js';
import { button, backHome, title, textField, choiceGroup, busy, invalid, RELATIONS } from '../pieces.js';

function today() {
  // China's calendar day (UTC+8), as the API counts it.
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

export function deathScreen() {
  const form = h(
    'form',
    { class: 'form', novalidate: true, on: { submit: (event) => submitDeath(event, form) } },
    textField({
      name: 'id_number',
      label: t('death.id'),
      hint: t('demo.id_hint'),
      attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: '18', dir: 'ltr', 'data-testid': 'death-id' },
    }),
    textField({ name: 'date_of_death', label: t('death.date'), type: 'date', attrs: { max: today(), 'data-testid': 'death-date' } }),
    choiceGroup({ name: 'relation', legend: t('death.relation_legend'), options: RELATIONS.map((r) => [r, t(`relation.${r}`)]) }),
    textField({
      name: 'certificate_number',
      label: t('death.certificate'),
      hint: t('death.certificate_hint'),
      required: false,
      attrs: { autocomplete: 'off', spellcheck: 'false', maxlength: '40', dir: 'ltr', 'data-testid': 'death-certificate' },
    }),
    h('p', { class: 'panel panel-warn' }, t('death.warning')),
    messageSlot(),
    button(t('death.submit'), null, { kind: 'primary', type: 'submit', testid: 'death-submit' }),
  );
  return [backHome(), title(t('death.title')), h('p', { class: 'lead' }, t('death.explain')), form];
}

async function submitDeath(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const id = form.elements.id_number.value.trim().toUpperCase();
  const date = form.elements.date_of_death.value.trim();
  const relation = form.querySelector('[name="relation"]:checked')?.value;
  if (!id) return invalid('death.need_id', 'id_number');
  if (!date) return invalid('death.need_date', 'date_of_death');
  if (!relation) return invalid('death.pick_relation', 'relation');
  busy(form, true);
  showMessage('info', () => t('common.sending'));
  try {
    const certificate = form.elements.certificate_number.value.trim();
    const body = { id_number: id, date_of_death: date, relation };
    if (certificate) body.certificate_number = certificate;
    const { data } = await api('POST', '/api/v1/death-reports', body);
    forgetDrafts('death');
    state.status = null;
    // A registered relative's report stops payment; anyone else's is
    // recorded for staff to check (R5.6).
    go('death-done', { recorded: data?.status === 'suspended' ? null : data?.status }, { replace: true });
  } catch (error) {
    busy(form, false);
    if (sessionEnded(error)) return;
    showError(error);
  }
}

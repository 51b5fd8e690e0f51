// Following a report by its reference (#report-track), open to anyone.

import { h, clear } from '../../shared/dom.js';
import { t, formatDate } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { state, urlFor, messageSlot, showMessage, showError, clearMessage } from '../state.js';
import { button, title, textField, busy, invalid, backStart } from '../pieces.js';
import { groupReference } from './report.js';

const REPORT_STATUSES = ['received', 'investigating', 'closed'];

/** What was typed as a reference: letters and digits only, in capitals. */
function normalReference(text) {
  return String(text || '').replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

export function reportTrackScreen(params) {
  const form = h(
    'form',
    { class: 'form', novalidate: true, on: { submit: (event) => submitTrack(event, form) } },
    textField({
      name: 'reference',
      label: t('report.reference'),
      hint: t('report.reference_hint'),
      attrs: {
        class: 'input input-reference',
        autocomplete: 'off',
        spellcheck: 'false',
        autocapitalize: 'characters',
        maxlength: '30',
        dir: 'ltr',
        value: params.reference ? groupReference(params.reference) : null,
        'data-testid': 'report-track-input',
      },
    }),
    messageSlot(),
    button(t('report.track_submit'), null, { kind: 'primary', type: 'submit', testid: 'report-track-submit' }),
  );
  return [
    backStart(),
    title(t('report.track_title')),
    h('p', { class: 'lead' }, t('report.track_explain')),
    form,
    h('div', { id: 'report-result', class: 'report-result', 'aria-live': 'polite' }, params.result ? reportStatusBlock(params.result) : null),
  ];
}

async function submitTrack(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const reference = normalReference(form.elements.reference.value);
  const slot = document.getElementById('report-result');
  if (slot) clear(slot);
  state.params = { reference };
  if (!reference) return invalid('report.need_reference', 'reference');
  busy(form, true);
  showMessage('info', () => t('common.loading'));
  try {
    const found = await lookUpReference(reference);
    const data = found.data;
    busy(form, false);
    clearMessage();
    const result = { reference: found.reference, status: data && data.status, received_on: data && data.received_on, closed_on: data && data.closed_on };
    state.params = { reference: found.reference, result };
    try {
      history.replaceState({ screen: 'report-track', params: state.params }, '', urlFor('report-track'));
    } catch {
      // fine without: the result stays on the screen
    }
    if (slot) {
      slot.append(reportStatusBlock(result));
      slot.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  } catch (error) {
    busy(form, false);
    if (error instanceof ApiError && error.status === 404) invalid('report.not_found', 'reference');
    else showError(error);
  }
}

/**
 * GET /api/v1/reports/by-reference/{reference}. A reference copied by hand
 * often has the letter O for the digit 0, or I or L for 1: when the reference
 * as typed is not found, it is tried once more with those read as digits.
 */
async function lookUpReference(reference) {
  const get = (ref) => api('GET', `/api/v1/reports/by-reference/${encodeURIComponent(ref)}`, undefined, { anonymous: true });
  try {
    return { reference, data: (await get(reference)).data };
  } catch (error) {
    const digits = reference.replace(/O/g, '0').replace(/[IL]/g, '1');
    if (!(error instanceof ApiError) || error.status !== 404 || digits === reference) throw error;
    return { reference: digits, data: (await get(digits)).data };
  }
}

/** Where a report stands, in plain words. */
function reportStatusBlock(result) {
  const key = REPORT_STATUSES.includes(result.status) ? result.status : 'other';
  const look = { received: ['to_verify', 'i'], investigating: ['due', '…'], closed: ['certified', '✓'], other: ['to_verify', 'i'] }[key];
  const facts = [t('report.reference_line', { reference: groupReference(result.reference) })];
  if (result.received_on) facts.push(t('report.received_on', { date: formatDate(result.received_on) }));
  if (result.closed_on) facts.push(t('report.closed_on', { date: formatDate(result.closed_on) }));
  return h(
    'section',
    { class: 'report-status', 'aria-labelledby': 'report-status-title', 'data-testid': 'report-status', 'data-status': result.status || '' },
    h('h2', { id: 'report-status-title' }, t('report.status_title')),
    h('p', { class: ['badge', `badge-${look[0]}`] }, h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, look[1]), h('span', {}, t(`report.status.${key}`))),
    h('p', {}, t(`report.status_help.${key}`)),
    h('ul', { class: 'facts' }, facts.map((fact) => h('li', {}, fact))),
  );
}


// Reporting improper receipt of benefits or staff misconduct (#report),
// open to anyone: the hotline, the report, and the reference given.

import { h, uid } from '../../shared/dom.js';
import { t, has } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { state, go, messageSlot, showMessage, showError, forgetDrafts } from '../state.js';
import { button, title, textField, choiceGroup, busy, invalid, backStart } from '../pieces.js';

const REPORT_KINDS = ['improper_receipt', 'staff_misconduct'];

// Anyone, logged in or not, may report improper receipt of benefits or staff
// misconduct (R9.1): the hotline is shown, reports may be anonymous, and the
// reference given follows the report's progress. The session is never sent
// along, so a report is anonymous unless the person leaves their contact.

let hotlineLoading = null;

/** Loads GET /api/v1/reports/hotline once; the box is then updated in place. */
function loadHotline() {
  if (state.hotline || hotlineLoading) return;
  state.hotlineError = null; // asked again each time the screen is drawn, until it is known
  hotlineLoading = api('GET', '/api/v1/reports/hotline', undefined, { anonymous: true })
    .then(({ data }) => {
      if (data && typeof data.hotline === 'string' && data.hotline.trim()) state.hotline = data;
      else state.hotlineError = new ApiError(500);
    })
    .catch((error) => {
      state.hotlineError = error;
    })
    .finally(() => {
      hotlineLoading = null;
      const box = document.getElementById('hotline-box');
      if (box) box.replaceWith(hotlineBox());
    });
}

function hotlineBox() {
  const box = h('section', { id: 'hotline-box', class: 'hotline', 'aria-labelledby': 'hotline-title' },
    h('h2', { id: 'hotline-title' }, t('report.hotline_title')));
  if (state.hotline) {
    const number = state.hotline.hotline.trim();
    box.append(
      h('p', {}, t('report.hotline_text')),
      h('a', { class: 'hotline-link', href: `tel:${number.replace(/[^0-9+]/g, '')}`, 'data-testid': 'report-hotline' },
        h('span', { class: 'hotline-icon', 'aria-hidden': 'true' }, '☎'),
        h('span', { class: 'hotline-number', dir: 'ltr' }, number),
        h('span', { class: 'hotline-call' }, t('report.hotline_call'))),
    );
  } else if (state.hotlineError) {
    box.append(h('p', {}, t('report.hotline_unknown')));
  } else {
    box.append(h('p', { class: 'loading' }, t('common.loading')));
  }
  return box;
}

/** A reference the way people copy it: in groups of four. */
export function groupReference(reference) {
  return (String(reference).match(/.{1,4}/g) || []).join(' ');
}

export function reportScreen() {
  loadHotline();
  const noteId = uid('contact-note');
  const form = h(
    'form',
    { class: 'form', novalidate: true, on: { submit: (event) => submitReport(event, form) } },
    choiceGroup({ name: 'kind', legend: t('report.kind_legend'), options: REPORT_KINDS.map((k) => [k, t(`report.kind.${k}`)]) }),
    textField({ name: 'subject', label: t('report.subject'), hint: t('report.subject_hint'), attrs: { maxlength: '200', autocomplete: 'off' } }),
    textField({ name: 'details', label: t('report.details'), hint: t('report.details_hint'), multiline: true, attrs: { maxlength: '4000' } }),
    h('fieldset', { class: 'contact', 'aria-describedby': noteId },
      h('legend', { class: 'label' }, t('report.contact_legend')),
      h('p', { id: noteId, class: 'panel panel-info' }, t('report.contact_note')),
      textField({ name: 'reporter.name', label: t('report.name'), required: false, attrs: { autocomplete: 'name', maxlength: '50' } }),
      textField({
        name: 'reporter.phone',
        label: t('report.phone'),
        type: 'tel',
        required: false,
        attrs: { autocomplete: 'tel', inputmode: 'tel', maxlength: '20', dir: 'ltr' },
      })),
    messageSlot(),
    button(t('report.submit'), null, { kind: 'primary', type: 'submit', testid: 'report-submit' }),
  );
  return [
    backStart(),
    title(t('report.title')),
    h('p', { class: 'lead' }, t('report.explain')),
    hotlineBox(),
    h('section', { class: 'report-online', 'aria-labelledby': 'report-form-title' },
      h('h2', { id: 'report-form-title' }, t('report.form_title')),
      form),
    h('section', { class: 'more', 'aria-labelledby': 'report-track-title' },
      h('h2', { id: 'report-track-title' }, t('report.track_entry')),
      button(t('report.track_open'), () => go('report-track'), { testid: 'report-track-open' })),
  ];
}

async function submitReport(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const kind = form.querySelector('[name="kind"]:checked')?.value;
  const subject = form.elements.subject.value.trim();
  const details = form.elements.details.value.trim();
  const name = form.elements['reporter.name'].value.trim();
  const phone = form.elements['reporter.phone'].value.trim();
  if (!kind) return invalid('report.pick_kind', 'kind');
  if (!subject) return invalid('report.need_subject', 'subject');
  if (!details) return invalid('report.need_details', 'details');
  // The API takes the reporter's name and phone together, or neither.
  if (phone && !name) return invalid('report.need_name', 'reporter.name');
  if (name && !phone) return invalid('report.need_phone', 'reporter.phone');
  if (phone && !/^[0-9+\-\s()]{5,20}$/.test(phone)) return invalid('report.bad_phone', 'reporter.phone');
  const body = { kind, subject, details };
  if (name) body.reporter = { name, phone };
  busy(form, true);
  showMessage('info', () => t('common.sending'));
  try {
    const { data } = await api('POST', '/api/v1/reports', body, { anonymous: true });
    if (!data || typeof data.reference !== 'string' || !data.reference) throw new ApiError(500);
    forgetDrafts('report');
    go('report-done', { reference: data.reference, anonymous: !body.reporter }, { replace: true });
  } catch (error) {
    busy(form, false);
    const key = error instanceof ApiError && error.code === 'invalid_field' && error.field ? `report.field.${error.field}` : null;
    if (key && has(key)) invalid(key, error.field);
    else showError(error);
  }
}

export function reportDoneScreen(params) {
  const reference = typeof params.reference === 'string' ? params.reference : '';
  if (!reference) {
    state.screen = 'report';
    return reportScreen();
  }
  return [
    backStart(),
    h('div', { class: 'result result-success' },
      h('p', { class: 'result-icon', 'aria-hidden': 'true' }, '✓'),
      title(t('report.done_title'), { 'data-testid': 'report-result' }),
      h('p', { class: 'lead' }, t(params.anonymous ? 'report.done_anonymous' : 'report.done_named'))),
    h('section', { class: 'reference-box', 'aria-labelledby': 'reference-title' },
      h('h2', { id: 'reference-title' }, t('report.your_reference')),
      h('p', { class: 'reference', dir: 'ltr', 'data-testid': 'report-reference', 'data-reference': reference }, groupReference(reference)),
      h('p', { class: 'reference-advice' }, t('report.write_down'))),
    h('div', { class: 'main-action' },
      button(t('report.track_open'), () => {
        forgetDrafts('report-track');
        go('report-track', { reference });
      }, { kind: 'primary', testid: 'report-track-open' })),
  ];
}


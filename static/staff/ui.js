// Small DOM helpers: tables with real headers, problem boxes, the live
// status region, dialogs and formatting. Elements are made with `h` of
// static/shared/dom.js (no innerHTML), re-exported here for the console's
// modules.

import { h, append, clear } from '../shared/dom.js';
import { ApiError, get } from './api.js';
import { lang, localProblem, t } from './i18n.js';

export { h, append, clear };

/** Says something in the polite live region. */
export function announce(message) {
  const region = document.getElementById('status');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick, so that screen readers repeat equal messages.
  setTimeout(() => {
    region.textContent = message;
  }, 30);
}

/**
 * Empties `slot` and fetches `url`; on failure shows the problem in the slot
 * and returns null, so a screen's loader needs no try/catch of its own.
 */
export async function fetchInto(slot, url) {
  clear(slot);
  try {
    return await get(url);
  } catch (error) {
    slot.append(problemBox(error));
    return null;
  }
}

/**
 * A problem as a box: its message, and the English one below it. In English
 * the English comes first and the Chinese below (the API speaks both).
 */
export function problemBox(error) {
  const problem = error instanceof ApiError ? error.problem : { ...localProblem('操作失败，请稍后重试'), detail_en: String(error?.message ?? error) };
  const english = lang() === 'en' && problem.detail_en;
  const first = english ? problem.detail_en : problem.detail;
  const second = english ? (problem.detail === problem.detail_en ? null : problem.detail) : problem.detail_en;
  return h(
    'div',
    { class: 'problem', role: 'alert' },
    h('p', { class: 'problem-main', text: first }),
    second ? h('p', { class: 'problem-second', lang: english ? 'zh-CN' : 'en', text: second }) : null,
  );
}

/** Shows an error in a slot (and marks the field at fault in `form`). */
export function showError(slot, error, form) {
  clear(slot).append(problemBox(error));
  const field = error instanceof ApiError ? error.problem.field : null;
  if (form) {
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    if (field) {
      const input = form.querySelector(`[name="${CSS.escape(field.split('.')[0])}"]`);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
    }
  }
}

export function success(text) {
  return h('div', { class: 'notice success', role: 'status' }, text);
}

/**
 * A table: `columns` [{ label, cell(row) → node|string, class }], a caption
 * (visible), and an optional `rowAttrs(row)`. Wrapped in a focusable region
 * that scrolls sideways on narrow screens.
 */
export function table({ caption, columns, rows, rowAttrs, empty = t('暂无记录') }) {
  const head = h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label))));
  const body = h('tbody');
  if (rows.length === 0) {
    body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty)));
  }
  for (const row of rows) {
    const tr = h('tr', rowAttrs ? rowAttrs(row) : {});
    columns.forEach((c, i) => {
      const content = c.cell(row);
      tr.append(i === 0 && c.rowHeader ? h('th', { scope: 'row', class: c.class }, content) : h('td', { class: c.class }, content));
    });
    body.append(tr);
  }
  const grid = h('table', {}, caption ? h('caption', {}, caption) : null, head, body);
  return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': typeof caption === 'string' ? caption : t('表格') }, grid);
}

let fieldCounter = 0;
/** A labelled form field around an input/select/textarea. */
export function field(labelText, control, hint) {
  const id = control.id || `f${++fieldCounter}`;
  control.id = id;
  let hintEl = null;
  if (hint) {
    hintEl = h('span', { class: 'hint', id: `${id}-hint` }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field' }, h('label', { for: id }, labelText), control, hintEl);
}

/** A <select> from [value, label] pairs, with an optional empty choice. */
export function select(name, options, { value = '', empty = null, attrs = {} } = {}) {
  const el = h('select', { name, ...attrs });
  if (empty !== null) el.append(h('option', { value: '' }, empty));
  for (const [v, l] of options) el.append(h('option', { value: v, selected: v === value }, l));
  el.value = value ?? '';
  return el;
}

export function badge(text, kind = '', title = undefined) {
  return h('span', { class: ['badge', kind && `badge-${kind}`], title }, text);
}

/** "Provisional" beside a deadline that rests on a year derived from the statutory holidays, or nothing. */
export function provisional(flag) {
  return flag ? [' ', badge(t('暂定'), 'soft', t('按法定节假日推算，待当年节假日安排载入后重算'))] : null;
}

/** A requirement id as a small tag (the rule behind a reason). */
export function req(id) {
  return id ? h('span', { class: 'req', title: t('依据要求 {id}', { id }) }, id) : null;
}

export function button(text, onClick, attrs = {}) {
  return h('button', { type: 'button', ...attrs, on: { click: onClick } }, text);
}

/**
 * A modal dialog: returns { dialog, body, close }. Esc closes it; focus
 * returns to where it was.
 */
export function modal(title) {
  const opener = document.activeElement;
  const titleId = `dlg${++fieldCounter}`;
  const body = h('div', { class: 'dialog-body' });
  const dialog = h(
    'dialog',
    { 'aria-labelledby': titleId, class: 'dialog' },
    h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, title), h('button', { type: 'button', class: 'ghost close', 'aria-label': t('关闭'), on: { click: () => close() } }, '×')),
    body,
  );
  function close() {
    dialog.close();
  }
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, close };
}

/**
 * A dialog with a short explanation, its fields and one action: `send`
 * posts the form's data and returns the confirmation the dossier shows.
 */
export function actionDialog(titleText, intro, fields, submitText, testid, send, refresh) {
  const { body, close } = modal(titleText);
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid } }, submitText);
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('p', {}, intro),
    ...fields,
    errors,
    h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    await busy(submit, async () => {
      try {
        const text = await send(new FormData(form));
        close();
        await refresh(text);
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
}

/** Disables a form's submit button while `work` runs. */
export async function busy(buttonEl, work) {
  buttonEl.disabled = true;
  buttonEl.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    buttonEl.disabled = false;
    buttonEl.removeAttribute('aria-busy');
  }
}

// ----- formatting -----

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Integer fen as yuan text: 320050 → "3,200.50". */
export function yuan(fen) {
  if (fen === null || fen === undefined) return '—';
  const negative = fen < 0;
  const abs = Math.abs(fen);
  const text = yuanFormat.format(Math.trunc(abs / 100) + (abs % 100) / 100);
  return `${negative ? '-' : ''}¥${text}`;
}

/** "1,234.5" yuan text → integer fen, or null; no floating point. */
export function parseYuan(text) {
  const m = String(text).trim().replace(/[,，¥\s]/g, '').match(/^(\d{1,12})(?:\.(\d{1,2}))?$/);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function date(value) {
  if (!value) return '—';
  return String(value).slice(0, 10);
}

export function dateTime(value) {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

/** Today in China (UTC+8), YYYY-MM-DD. */
export function todayChina() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function number(n) {
  return new Intl.NumberFormat('zh-CN').format(n ?? 0);
}

export function percent(share) {
  return `${(Math.round((share ?? 0) * 1000) / 10).toFixed(1)}%`;
}

/** Saves a Blob as a file through a temporary object-URL link. */
export function saveBlob(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName, class: 'visually-hidden' }, fileName);
  document.body.append(link);
  link.click();
  setTimeout(() => {
    link.remove();
    URL.revokeObjectURL(url);
  }, 60_000);
}

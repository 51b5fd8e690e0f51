// The console's languages: Chinese first (the default), Uyghur (right to
// left) and English. Texts are written in Chinese where they are used and
// wrapped in t(); ./i18n/ gives each its Uyghur and English, one table per
// module. tests/browser/i18n-check.mjs fails on a Chinese text outside t()
// and on a text without both translations.

import tables from './i18n/index.js';

/** Chinese text → { ug, en }, merged from the module tables. */
const TRANSLATIONS = Object.assign({}, ...tables);

/** How each language is put on the document; the list itself comes from the domain. */
const DOCUMENT = { zh: { htmlLang: 'zh-CN', dir: 'ltr' }, ug: { htmlLang: 'ug', dir: 'rtl' }, en: { htmlLang: 'en', dir: 'ltr' } };

// Shared with the recipients' page on the same origin: one person, one language.
const STORAGE_KEY = 'zige.lang';

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be blocked
  }
}

const current = DOCUMENT[stored()] ? stored() : 'zh';

/** The current language code: zh, ug or en. */
export function lang() {
  return current;
}

/**
 * Switches language. The page loads again so that every screen and every
 * table of names is built in the new language.
 */
export function setLang(code) {
  if (!DOCUMENT[code] || code === current) return;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    return; // cannot be remembered across the reload
  }
  location.reload();
}

/** The text in a language (the current one by default), with {name} placeholders filled. */
export function translate(text, language = current, vars = {}) {
  const chosen = language === 'zh' ? text : (TRANSLATIONS[text]?.[language] ?? text);
  return chosen.replace(/\{(\w+)\}/g, (_, name) => (vars[name] === undefined || vars[name] === null ? '' : String(vars[name])));
}

/** The Chinese text in the current language, with {name} placeholders filled. */
export function t(text, vars = {}) {
  return translate(text, current, vars);
}

/**
 * A problem the console finds itself, shaped like the API's: its text in the
 * current language and in English, and the form field at fault.
 */
export function localProblem(text, vars = {}, field = undefined) {
  return { detail: t(text, vars), detail_en: translate(text, 'en', vars), field };
}

/**
 * A Chinese text that is data rather than words for the reader, shown as it
 * is in every language: a column name the server reads in a file, say.
 */
export function verbatim(text) {
  return text;
}

/**
 * The punctuation each language writes between the parts the console joins:
 * a list's items, a label and its value, a note in brackets, a quotation,
 * and the indent of a level in a tree.
 */
const MARKS = {
  zh: { enumeration: '、', comma: '，', semicolon: '；', colon: '：', open: '（', close: '）', quote: ['“', '”'], indent: '　' },
  ug: { enumeration: '، ', comma: '، ', semicolon: '؛ ', colon: ': ', open: ' (', close: ')', quote: ['«', '»'], indent: '\u00a0\u00a0' },
  en: { enumeration: ', ', comma: ', ', semicolon: '; ', colon: ': ', open: ' (', close: ')', quote: ['“', '”'], indent: '\u00a0\u00a0' },
};

/** The current language's punctuation. */
export const mark = MARKS[current];

/** Items joined as a list is written in the current language. */
export function listOf(items) {
  return items.join(mark.enumeration);
}

/** A reason of an assessment (`message_zh`, `message_ug`, `message_en`) in the current language. */
export function pickMessage(reason) {
  return reason[`message_${current}`] || reason.message_zh || reason.code;
}

/**
 * A name from the domain's code tables (`name_zh`, `name_ug`, `name_en`) in the current language,
 * or another text given in the three languages (`field` `explanation`: `explanation_zh`, …).
 */
export function pickName(entry, field = 'name') {
  return entry[`${field}_${current}`] || entry[`${field}_zh`];
}

/**
 * Puts the language on the document and translates the page's own texts:
 * the Chinese content of each `data-i18n` element and the aria-label of each
 * `data-i18n-label` one.
 */
export function applyLang() {
  const info = DOCUMENT[current];
  document.documentElement.lang = info.htmlLang;
  document.documentElement.dir = info.dir;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.textContent.trim());
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.getAttribute('aria-label')));
}

// Languages: Chinese first (default), Uyghur (Arabic script, right to left)
// and English. Every visible string comes from the tables in ./i18n/.

import zh from './i18n/zh.js';
import ug from './i18n/ug.js';
import en from './i18n/en.js';

export const LANGUAGES = {
  zh: { table: zh, htmlLang: 'zh-CN', dir: 'ltr' },
  ug: { table: ug, htmlLang: 'ug', dir: 'rtl' },
  en: { table: en, htmlLang: 'en', dir: 'ltr' },
};
export const ORDER = ['zh', 'ug', 'en'];

const STORAGE_KEY = 'zige.lang';

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be blocked inside some web views
  }
}

let current = LANGUAGES[stored()] ? stored() : 'zh';

/** Whether the person chose a language on this device (else Chinese by default). */
export function chosen() {
  return Boolean(LANGUAGES[stored()]);
}

/** The current language code: zh, ug or en. */
export function lang() {
  return current;
}

/** Switches language, remembers it and updates <html lang dir>. */
export function setLang(code) {
  if (!LANGUAGES[code]) return;
  current = code;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // not remembered; still switched
  }
  applyLang();
}

/** Puts the current language on the document. */
export function applyLang() {
  const info = LANGUAGES[current];
  document.documentElement.lang = info.htmlLang;
  document.documentElement.dir = info.dir;
  document.title = t('app.doc_title');
}

/** True when the current language's own table has the key. */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(LANGUAGES[current].table, key);
}

/** The text of a key in the current language, with {name} placeholders filled. */
export function t(key, vars = {}) {
  let text = LANGUAGES[current].table[key];
  if (text === undefined) text = zh[key];
  if (text === undefined) {
    console.warn(`missing translation: ${key}`);
    text = '';
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] === undefined || vars[name] === null ? '' : String(vars[name])));
}

/** A calendar date (YYYY-MM-DD from the API) the way people write it. */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ''));
  if (!m) return String(iso || '');
  const [, y, mo, d] = m;
  const month = Number(mo);
  const day = Number(d);
  // No-break spaces keep a date on one line.
  if (current === 'zh') return `${y}年${month}月${day}日`;
  if (current === 'ug') return `${y}-يىلى\u00a0${month}-ئاينىڭ\u00a0${day}-كۈنى`;
  const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${day}\u00a0${names[month - 1]}\u00a0${y}`;
}

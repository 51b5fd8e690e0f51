// The recipients' page's shared state and its router: the screen shown and
// the browser's history (the public screens have an address of their own),
// drawing the current screen, its messages and the drafts typed into it.
// The screens are in ./screens/; app.js names them and boots the page.

import { h, clear } from '../shared/dom.js';
import { t, lang } from './i18n.js';
import { ApiError, errorMessage, getToken, clearSession } from './api.js';

const DEMO_ID_KEY = 'zige.demo_id';

export const state = {
  screen: 'login',
  params: {},
  demo: null, // null: not asked yet; then true or false
  status: null, // the last GET /api/v1/me/status body
  statusLang: null, // the language its reasons are in
  statusError: null,
  history: null,
  historyError: null,
  challenge: null,
  message: null, // { kind: 'error' | 'info' | 'success', text: () => string, field }
  drafts: {},
  busy: false,
  hotline: null, // the GET /api/v1/reports/hotline body, once loaded
  hotlineError: null,
};

// ---------------------------------------------------------------- storage

export function demoId() {
  try {
    return sessionStorage.getItem(DEMO_ID_KEY) || '';
  } catch {
    return '';
  }
}

export function rememberDemoId(id) {
  try {
    sessionStorage.setItem(DEMO_ID_KEY, id);
  } catch {
    // not kept: the person types it again
  }
}

// ------------------------------------------------------------ navigation

const NEEDS_LOGIN = new Set(['home', 'certify', 'certify-done', 'certify-visit', 'visit', 'visit-done', 'object', 'object-done', 'death', 'death-done', 'history']);

// The public screens have an address of their own, so that a poster's QR code
// can open them directly; every other screen lives at the bare address.
export const HASHES = { report: '#report', 'report-done': '#report', 'report-track': '#report-track' };

/** The screen an address's fragment names, if any. */
export function hashScreen() {
  return Object.keys(HASHES).find((screen) => HASHES[screen] === location.hash && !screen.endsWith('-done')) || null;
}

export function urlFor(screen) {
  return location.pathname + location.search + (HASHES[screen] || '');
}

export function go(screen, params = {}, { replace = false, message = null } = {}) {
  state.screen = screen;
  state.params = params;
  state.message = message;
  state.busy = false;
  const entry = { screen, params };
  try {
    if (replace) history.replaceState(entry, '', urlFor(screen));
    else history.pushState(entry, '', urlFor(screen));
  } catch {
    // history can be unavailable in some web views; navigation still works
  }
  render();
  window.scrollTo(0, 0);
}

export function goHome(options = {}) {
  state.status = null;
  state.statusError = null;
  go('home', {}, options);
}

window.addEventListener('popstate', (event) => {
  const entry = event.state;
  if (!entry || !entry.screen) return;
  state.screen = NEEDS_LOGIN.has(entry.screen) && !getToken() ? 'login' : entry.screen;
  state.params = entry.params || {};
  state.message = null;
  state.busy = false;
  if (state.screen === 'home') {
    state.status = null;
    state.statusError = null;
  }
  render();
});

// The address typed or a link followed while the page is open (#report).
window.addEventListener('hashchange', () => {
  const screen = hashScreen();
  if (screen && HASHES[state.screen] !== location.hash) go(screen, {}, { replace: true });
});

// ------------------------------------------------------------- rendering

/** The function that draws each screen, by name (app.js names them). */
const screens = {};

export function defineScreens(table) {
  Object.assign(screens, table);
}

/**
 * Draws the current screen. `focus`: true moves focus to its heading (a new
 * screen); 'keep' does so only when the heading had it (a reload of the same
 * screen); false leaves focus alone (a language switch).
 */
export function render({ focus = true } = {}) {
  updateChrome();
  const root = document.getElementById('screen');
  const headingHadFocus = document.activeElement && (document.activeElement.tagName === 'H1' || document.activeElement === document.body);
  clear(root);
  const screen = NEEDS_LOGIN.has(state.screen) && !getToken() ? 'login' : state.screen;
  const view = (screens[screen] || screens.login)(state.params);
  root.append(...[].concat(view).filter(Boolean));
  restoreDrafts(root);
  markField(state.message && state.message.field);
  const heading = root.querySelector('h1');
  if (heading && (focus === true || (focus === 'keep' && headingHadFocus))) heading.focus({ preventScroll: true });
}

function updateChrome() {
  document.getElementById('brand-title').textContent = t('app.title');
  document.getElementById('brand-subtitle').textContent = t('app.subtitle');
  document.getElementById('languages').setAttribute('aria-label', t('lang.nav'));
  for (const button of document.querySelectorAll('#languages button')) {
    const code = button.dataset.lang;
    button.textContent = t(`lang.${code}`);
    button.setAttribute('aria-pressed', String(code === lang()));
  }
  document.getElementById('hotline').textContent = t('app.hotline');
}

// ----------------------------------------------------------- messages

/** The live region where a screen's messages appear. */
export function messageSlot() {
  const slot = h('div', { id: 'message', class: 'message-slot', role: 'status', 'aria-live': 'polite', 'data-testid': 'message' });
  if (state.message) fillMessage(slot, state.message);
  return slot;
}

function fillMessage(slot, message) {
  clear(slot);
  if (!message) return;
  const icon = { error: '!', success: '✓', info: 'i' }[message.kind] || 'i';
  slot.appendChild(
    h('p', { class: ['message', `message-${message.kind}`] }, h('span', { class: 'message-icon', 'aria-hidden': 'true' }, icon), h('span', { class: 'message-text' }, message.text())),
  );
}

/** Shows a message on the current screen without redrawing it. */
export function showMessage(kind, text, field = null) {
  state.message = { kind, text, field };
  const slot = document.getElementById('message');
  if (slot) fillMessage(slot, state.message);
  markField(field);
  if (kind === 'error' && slot) {
    slot.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
}

export function showError(error, fallbackField = null) {
  const field = error instanceof ApiError ? error.field || fallbackField : fallbackField;
  showMessage('error', () => errorMessage(error), field);
  if (field) document.querySelector(`#screen [name="${field}"]`)?.focus({ preventScroll: true });
}

export function clearMessage() {
  state.message = null;
  const slot = document.getElementById('message');
  if (slot) clear(slot);
  markField(null);
}

function markField(field) {
  for (const el of document.querySelectorAll('#screen [aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const described = (el.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== 'message');
    if (described.length) el.setAttribute('aria-describedby', described.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  if (!field) return;
  for (const el of document.querySelectorAll(`#screen [name="${field}"]`)) {
    el.setAttribute('aria-invalid', 'true');
    const described = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!described.includes('message')) described.push('message');
    el.setAttribute('aria-describedby', described.join(' '));
  }
}

/** Handles a session that has ended: back to the login screen with a sentence. */
export function sessionEnded(error) {
  if (error instanceof ApiError && error.status === 401) {
    clearSession();
    state.status = null;
    go('login', {}, { replace: true, message: { kind: 'error', text: () => t('login.expired') } });
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- drafts

/** Keeps what the person typed, so a language switch does not lose it. */
export function trackDrafts(root) {
  const save = (event) => {
    const el = event.target;
    if (!el.name || el.dataset.noDraft !== undefined) return;
    if (!state.drafts[state.screen]) state.drafts[state.screen] = {};
    const drafts = state.drafts[state.screen];
    if (el.type === 'checkbox') {
      drafts[el.name] = [...root.querySelectorAll(`[name="${el.name}"]:checked`)].map((c) => c.value);
    } else if (el.type === 'radio') {
      if (el.checked) drafts[el.name] = el.value;
    } else {
      drafts[el.name] = el.value;
    }
  };
  root.addEventListener('input', save);
  root.addEventListener('change', save);
}

function restoreDrafts(root) {
  const drafts = state.drafts[state.screen];
  if (!drafts) return;
  for (const el of root.querySelectorAll('input[name], textarea[name], select[name]')) {
    const value = drafts[el.name];
    if (value === undefined) continue;
    if (el.type === 'checkbox') el.checked = Array.isArray(value) && value.includes(el.value);
    else if (el.type === 'radio') el.checked = el.value === value;
    else el.value = value;
  }
}

export function forgetDrafts(screen) {
  delete state.drafts[screen];
}

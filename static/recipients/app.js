// The recipients' page of zige: log in (from the mini-program's assertion,
// or the clearly marked demo login), see where each benefit stands, certify
// with a face check, ask for a home visit, object to a suspension, report a
// relative's death, see the history, log out. One task per screen. Anyone,
// logged in or not, may also report improper receipt of benefits or staff
// misconduct and follow it with the reference given (#report, #report-track).

import { h, clear, uid } from './dom.js';
import { t, has, lang, setLang, applyLang, chosen, formatDate, ORDER } from './i18n.js';
import { api, ApiError, errorMessage, getToken, setToken, clearSession } from './api.js';

const DEMO_ID_KEY = 'zige.demo_id';
const BENEFIT_TYPES = ['employee_pension', 'government_pension', 'resident_pension', 'work_injury', 'work_injury_dependant', 'unemployment'];
const VISIT_REASONS = ['very_old', 'illness', 'disability', 'other'];
const RELATIONS = ['spouse', 'child', 'parent', 'sibling', 'grandchild', 'other'];
/** Who may help a person through a face check (R6.3): family, a community worker, a volunteer. */
const HELPERS = [...RELATIONS.filter((r) => r !== 'other'), 'community_worker', 'volunteer'];
// Preferred days are stored as the Chinese words staff read; the label is translated.
const DAYS = [['mon', '周一'], ['tue', '周二'], ['wed', '周三'], ['thu', '周四'], ['fri', '周五'], ['sat', '周六'], ['sun', '周日']];
const CHANNELS = ['self_service_face', 'window_certification', 'home_visit', 'video_certification'];
const REPORT_KINDS = ['improper_receipt', 'staff_misconduct'];
const REPORT_STATUSES = ['received', 'investigating', 'closed'];

const state = {
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

function demoId() {
  try {
    return sessionStorage.getItem(DEMO_ID_KEY) || '';
  } catch {
    return '';
  }
}

function rememberDemoId(id) {
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
const HASHES = { report: '#report', 'report-done': '#report', 'report-track': '#report-track' };

/** The screen an address's fragment names, if any. */
function hashScreen() {
  return Object.keys(HASHES).find((screen) => HASHES[screen] === location.hash && !screen.endsWith('-done')) || null;
}

function urlFor(screen) {
  return location.pathname + location.search + (HASHES[screen] || '');
}

function go(screen, params = {}, { replace = false, message = null } = {}) {
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

function goHome(options = {}) {
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

const SCREENS = {
  login: loginScreen,
  home: homeScreen,
  certify: certifyScreen,
  'certify-done': certifyDoneScreen,
  'certify-visit': certifyVisitScreen,
  visit: visitScreen,
  'visit-done': doneScreen('visit'),
  object: objectScreen,
  'object-done': doneScreen('object'),
  death: deathScreen,
  'death-done': doneScreen('death'),
  history: historyScreen,
  report: reportScreen,
  'report-done': reportDoneScreen,
  'report-track': reportTrackScreen,
};

/**
 * Draws the current screen. `focus`: true moves focus to its heading (a new
 * screen); 'keep' does so only when the heading had it (a reload of the same
 * screen); false leaves focus alone (a language switch).
 */
function render({ focus = true } = {}) {
  updateChrome();
  const root = document.getElementById('screen');
  const headingHadFocus = document.activeElement && (document.activeElement.tagName === 'H1' || document.activeElement === document.body);
  clear(root);
  const screen = NEEDS_LOGIN.has(state.screen) && !getToken() ? 'login' : state.screen;
  const view = (SCREENS[screen] || loginScreen)(state.params);
  root.append(...[].concat(view).filter(Boolean));
  restoreDrafts(root);
  markField(state.message && state.message.field);
  const heading = root.querySelector('h1');
  if (heading && (focus === true || (focus === 'keep' && headingHadFocus))) heading.focus({ preventScroll: true });
}

/** Builds the header, the language switcher and the footer once; later only their texts change. */
function buildChrome() {
  const nav = document.getElementById('languages');
  clear(nav);
  for (const code of ORDER) {
    nav.appendChild(
      h('button', {
        type: 'button',
        class: 'lang-button',
        lang: { zh: 'zh-CN', ug: 'ug', en: 'en' }[code],
        dir: code === 'ug' ? 'rtl' : 'ltr',
        'data-lang': code,
        'data-testid': `lang-${code}`,
        onClick: () => switchLanguage(code),
      }),
    );
  }
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

function switchLanguage(code) {
  setLang(code);
  render({ focus: false });
  // Signed in: messages follow the choice too, and the reasons come again in it.
  if (getToken()) {
    api('PUT', '/api/v1/me/language', { language: code }).catch(() => {});
    loadStatus();
  }
}

// ----------------------------------------------------------- messages

/** The live region where a screen's messages appear. */
function messageSlot() {
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
function showMessage(kind, text, field = null) {
  state.message = { kind, text, field };
  const slot = document.getElementById('message');
  if (slot) fillMessage(slot, state.message);
  markField(field);
  if (kind === 'error' && slot) {
    slot.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
}

function showError(error, fallbackField = null) {
  const field = error instanceof ApiError ? error.field || fallbackField : fallbackField;
  showMessage('error', () => errorMessage(error), field);
  if (field) document.querySelector(`#screen [name="${field}"]`)?.focus({ preventScroll: true });
}

function clearMessage() {
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
function sessionEnded(error) {
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
function trackDrafts(root) {
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

function forgetDrafts(screen) {
  delete state.drafts[screen];
}

// ---------------------------------------------------------------- pieces

function button(label, onClick, { kind = 'secondary', testid = null, type = 'button', icon = null } = {}) {
  return h(
    'button',
    { type, class: ['button', `button-${kind}`], 'data-testid': testid, onClick },
    icon ? h('span', { class: 'button-icon', 'aria-hidden': 'true' }, icon) : null,
    h('span', { class: 'button-label' }, label),
  );
}

function backHome() {
  return h('p', { class: 'back' }, button(t('common.home'), () => goHome(), { kind: 'back', testid: 'home' }));
}

function title(text, extra = {}) {
  return h('h1', { tabindex: '-1', ...extra }, text);
}

/** A labelled text field with an optional hint. */
function textField({ name, label, hint = null, type = 'text', required = true, attrs = {}, multiline = false }) {
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
function choiceGroup({ name, legend, options, type = 'radio', required = true }) {
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

function benefitName(code) {
  return BENEFIT_TYPES.includes(code) ? t(`benefit.${code}`) : t('benefit.other');
}

/** Removes the requirement ids (e.g. "（R5.3）") that mean nothing to a recipient. */
function plain(text) {
  return String(text)
    .replace(/[（(]\s*R\d+(\.\d+)*(-\d+)?\s*[）)]/g, '')
    .replace(/[，,]\s*R\d+(\.\d+)*(-\d+)?(?=[）)])/g, '')
    .trim();
}

function busy(form, on) {
  state.busy = on;
  for (const el of form.querySelectorAll('button[type="submit"]')) {
    el.disabled = on;
    el.setAttribute('aria-busy', String(on));
  }
}

// ----------------------------------------------------------------- login

async function checkDemo() {
  try {
    const { data } = await api('GET', '/api/v1/demo');
    state.demo = Boolean(data && data.enabled);
  } catch {
    state.demo = false;
  }
}

async function loginWith(assertion) {
  const { data } = await api('POST', '/api/v1/sessions', { assertion });
  if (!data || typeof data.token !== 'string') throw new ApiError({ status: 500 });
  setToken(data.token);
  forgetDrafts('login');
  goHome({ replace: true });
}

function loginScreen(params) {
  if (state.demo === null) {
    checkDemo().then(() => {
      if (state.screen === 'login') render({ focus: 'keep' });
    });
  }
  const demoBox = state.demo ? demoLoginBox() : null;
  return [
    title(t('login.title')),
    h('p', { class: 'lead' }, t('login.intro')),
    messageSlot(),
    params.pending ? null : h('div', { class: 'panel panel-info' }, h('p', {}, t('login.open_from_app'))),
    demoBox,
    params.pending ? null : reportEntry(),
  ];
}

/** The way to the public reporting screen, open to anyone (login screen). */
function reportEntry() {
  return h('section', { class: 'more', 'aria-labelledby': 'report-entry-title' },
    h('h2', { id: 'report-entry-title' }, t('report.entry_title')),
    h('p', {}, t('report.entry_text')),
    button(t('report.open'), () => go('report'), { testid: 'report-open' }));
}

function demoLoginBox() {
  const headingId = uid('demo');
  const form = h(
    'form',
    { class: 'form', novalidate: true, onSubmit: (event) => submitDemoLogin(event, form) },
    textField({
      name: 'id_number',
      label: t('demo.id_label'),
      hint: t('demo.id_hint'),
      attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: '18', 'data-testid': 'demo-id', dir: 'ltr' },
    }),
    button(t('demo.login_button'), null, { kind: 'primary', type: 'submit', testid: 'demo-login' }),
  );
  return h(
    'section',
    { class: 'demo', 'aria-labelledby': headingId },
    h('h2', { id: headingId, class: 'demo-title' }, h('span', { class: 'demo-tag' }, t('demo.legend'))),
    h('p', {}, t('demo.login_note')),
    form,
  );
}

async function submitDemoLogin(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const id = form.elements.id_number.value.trim().toUpperCase();
  if (!id) {
    showMessage('error', () => t('demo.id_missing'), 'id_number');
    form.elements.id_number.focus();
    return;
  }
  busy(form, true);
  showMessage('info', () => t('login.logging_in'));
  try {
    const { data } = await api('POST', '/api/v1/demo/assertion', { id_number: id });
    rememberDemoId(id);
    await loginWith(data.assertion);
  } catch (error) {
    busy(form, false);
    showError(error, error instanceof ApiError && error.status === 422 ? 'id_number' : null);
  }
}

// ------------------------------------------------------------------ home

let statusLoading = null;

/** Loads GET /api/v1/me/status once at a time. */
function loadStatus() {
  if (!statusLoading) {
    statusLoading = fetchStatus().finally(() => {
      statusLoading = null;
    });
  }
  return statusLoading;
}

async function fetchStatus() {
  try {
    // A language chosen on this device asks for the reasons in it; otherwise
    // the server answers in the language on file for the person.
    const { data } = await api('GET', chosen() ? `/api/v1/me/status?lang=${lang()}` : '/api/v1/me/status');
    state.status = data || { benefits: [] };
    state.statusError = null;
    const onFile = state.status.language;
    state.statusLang = chosen() ? lang() : onFile;
    if (onFile && onFile !== lang()) {
      if (chosen()) api('PUT', '/api/v1/me/language', { language: lang() }).catch(() => {});
      else setLang(onFile);
    }
  } catch (error) {
    if (sessionEnded(error)) return;
    state.statusError = error;
    state.status = null;
  }
  if (state.screen === 'home') render({ focus: 'keep' });
}

function statusKey(benefit) {
  if (benefit.payment_status === 'terminated') return 'terminated';
  if (benefit.payment_status === 'suspended') return 'suspended';
  const cycle = benefit.cycle && benefit.cycle.status;
  if (benefit.list === 'to_verify' && cycle === 'certified') return 'to_verify';
  return ['certified', 'due', 'overdue'].includes(cycle) ? cycle : 'to_verify';
}

function actionCodes(benefit) {
  return (Array.isArray(benefit.actions) ? benefit.actions : []).map((a) => a && a.code).filter(Boolean);
}

function homeScreen() {
  if (!state.status && !state.statusError) {
    loadStatus();
    return [title(t('home.title')), h('p', { class: 'loading', role: 'status' }, t('common.loading'))];
  }
  if (state.statusError) {
    const error = state.statusError;
    return [
      title(t('home.title')),
      h('div', { class: 'message-slot', role: 'status', 'aria-live': 'polite', 'data-testid': 'message' },
        h('p', { class: 'message message-error' }, h('span', { class: 'message-icon', 'aria-hidden': 'true' }, '!'), h('span', { class: 'message-text' }, errorMessage(error)))),
      error.network || (error.status >= 500) ? button(t('home.refresh'), () => goHome({ replace: true }), { kind: 'primary' }) : null,
      h('div', { class: 'actions' },
        button(t('action.death_report'), () => go('death'), { testid: 'go-death' }),
        button(t('report.open'), () => go('report'), { testid: 'report-open' }),
        button(t('common.logout'), logout, { testid: 'logout' })),
    ];
  }
  const status = state.status;
  const benefits = Array.isArray(status.benefits) ? status.benefits : [];
  const anyCertify = benefits.some((b) => actionCodes(b).includes('certify'));
  const anyObject = benefits.some((b) => actionCodes(b).includes('object'));
  const name = status.person && status.person.name_masked;
  const visit = status.home_visit;
  return [
    title(t('home.title')),
    name ? h('p', { class: 'hello' }, t('home.hello', { name })) : null,
    h('p', { class: 'lead' }, t('home.explain')),
    messageSlot(),
    visit && visit.status === 'open' ? h('p', { class: 'panel panel-info' }, t('home.visit_open', { date: formatDate(visit.deadline) })) : null,
    benefits.length ? h('div', { class: 'cards' }, benefits.map(benefitCard)) : h('p', { class: 'panel' }, t('home.no_benefits')),
    anyCertify ? h('div', { class: 'main-action' }, button(t('action.certify'), () => go('certify'), { kind: 'primary', testid: 'go-certify', icon: '☺' })) : null,
    h('section', { class: 'more', 'aria-labelledby': 'more-title' },
      h('h2', { id: 'more-title' }, t('home.more')),
      h('div', { class: 'actions' },
        anyObject ? button(t('action.object'), () => go('object'), { testid: 'go-object' }) : null,
        button(t('action.home_visit'), () => go('visit'), { testid: 'go-visit' }),
        button(t('action.death_report'), () => go('death'), { testid: 'go-death' }),
        button(t('action.history'), () => go('history'), { testid: 'go-history' }),
        button(t('report.open'), () => go('report'), { testid: 'report-open' }),
        button(t('common.logout'), logout, { testid: 'logout' }))),
  ];
}

function benefitCard(benefit) {
  const key = statusKey(benefit);
  const headingId = uid('benefit');
  const cycle = benefit.cycle || {};
  const codes = actionCodes(benefit);
  const lines = [];
  if (cycle.status === 'certified') {
    if (benefit.certified_on) lines.push(t('benefit.certified_on', { date: formatDate(benefit.certified_on) }));
    if (benefit.next_due) lines.push(t('benefit.next_time', { date: formatDate(benefit.next_due) }));
  } else {
    // Behind: since when, the last certification (or none), then the cycle that contains today.
    if (benefit.overdue_since) lines.push(t('benefit.overdue_since', { date: formatDate(benefit.overdue_since) }));
    lines.push(benefit.last_certified_on ? t('benefit.certified_on', { date: formatDate(benefit.last_certified_on) }) : t('benefit.never_certified'));
    if (benefit.next_due && benefit.next_due !== benefit.overdue_since) lines.push(t('benefit.next_due', { date: formatDate(benefit.next_due) }));
  }
  const payment = ['active', 'suspended', 'terminated', 'restored'].includes(benefit.payment_status) ? benefit.payment_status : 'unknown';
  lines.push(t('benefit.payment', { status: t(`payment.${payment}`) }));
  for (const action of benefit.actions || []) {
    if (action.code === 'object' && action.until) lines.push(t('action.object_until', { date: formatDate(action.until) }));
    if (action.code === 'wait') lines.push(lang() === 'zh' && action.label_zh ? action.label_zh : t('action.wait'));
    if (action.code === 'contact') lines.push(t('action.contact'));
  }
  return h(
    'article',
    {
      class: ['card', `card-${key}`],
      'data-testid': 'benefit',
      'data-status': cycle.status || '',
      'data-payment': benefit.payment_status || '',
      'data-list': benefit.list || '',
      'data-actions': codes.join(' '),
      'aria-labelledby': headingId,
    },
    h('h2', { id: headingId, class: 'card-title' }, benefitName(benefit.benefit_type)),
    h('p', { class: ['badge', `badge-${key}`], 'data-testid': 'benefit-status' },
      h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, { certified: '✓', due: '!', overdue: '!', to_verify: '?', suspended: '‖', terminated: '×' }[key]),
      h('span', {}, t(`status.${key}`))),
    h('p', { class: 'card-help' }, t(`help.${key}`)),
    h('ul', { class: 'facts' }, lines.map((line) => h('li', {}, line))),
    reasonsBlock(benefit, key),
  );
}

function reasonsBlock(benefit, key) {
  const strings = (list) => (Array.isArray(list) ? list : []).filter((r) => typeof r === 'string' && r);
  // The reasons come in the language they were asked in; until the answer
  // in a newly chosen language arrives, the status's own words stand in.
  const reasons = state.statusLang === lang() ? strings(benefit.reasons) : [];
  const original = strings(benefit.reasons_zh);
  const cycle = benefit.cycle || {};
  let items;
  if (reasons.length) {
    items = reasons.map(plain);
  } else {
    const line = {
      certified: () => t('reason.certified', { channel: channelName(benefit.channel, null), end: formatDate(cycle.end) }),
      due: () => t('reason.due', { date: formatDate(benefit.next_due) }),
      overdue: () => t('reason.overdue'),
      to_verify: () => t('reason.to_verify'),
      suspended: () => t('reason.suspended'),
      terminated: () => t('reason.terminated'),
    }[key];
    items = [line()];
  }
  return h(
    'div',
    { class: 'reasons' },
    h('h3', {}, t('benefit.why')),
    h('ul', {}, items.map((text) => h('li', {}, text))),
    lang() !== 'zh' && original.length
      ? h('details', { class: 'original' }, h('summary', {}, t('common.original')), h('ul', { lang: 'zh-CN', dir: 'ltr' }, original.map((r) => h('li', {}, plain(r)))))
      : null,
  );
}

async function logout() {
  // The server ends the session too; a failure (already expired, offline)
  // still signs the phone out.
  if (getToken()) await api('DELETE', '/api/v1/sessions/current').catch(() => {});
  clearSession();
  state.status = null;
  state.statusError = null;
  state.history = null;
  state.challenge = null;
  state.drafts = {};
  go('login', {}, { replace: true, message: { kind: 'success', text: () => t('login.logged_out') } });
}

// --------------------------------------------------------------- certify

function certifyScreen(params) {
  const step = params.step || 'intro';
  const parts = [backHome(), title(t('certify.title')), h('p', { class: 'lead' }, t('certify.explain'))];
  if (step === 'intro') {
    parts.push(
      h('div', { class: 'panel' },
        h('p', { class: 'tips-title' }, t('certify.tips_title')),
        h('ol', { class: 'tips' }, ['tip1', 'tip2', 'tip3'].map((k) => h('li', {}, t(`certify.${k}`))))),
      helperFields(),
      messageSlot(),
      h('div', { class: 'main-action' },
        button(params.retry ? t('certify.try_again') : t('certify.start'), startCertify, { kind: 'primary', testid: 'certify-start', icon: '☺' })),
    );
    if (params.retry) parts.push(h('p', {}, t('certify.other_way')), button(t('action.home_visit'), () => go('visit'), { testid: 'go-visit' }));
  } else if (step === 'face' && state.challenge) {
    parts.push(messageSlot());
    if (state.demo) parts.push(demoFaceBox());
    else parts.push(h('p', { class: 'panel panel-info' }, t('certify.no_provider')), button(t('action.home_visit'), () => go('visit'), { testid: 'go-visit' }));
  } else {
    return certifyScreen({ step: 'intro' });
  }
  return parts;
}

/**
 * When a relative or a community worker holds the phone (R6.3): who they
 * are is recorded beside the person's own face check.
 */
function helperFields() {
  const details = h('div', { class: 'helper-fields', hidden: !state.helper },
    choiceGroup({ name: 'helper_relation', legend: t('certify.helper_relation'), options: HELPERS.map((r) => [r, t(`relation.${r}`)]) }),
    textField({ name: 'helper_name', label: t('certify.helper_name'), attrs: { autocomplete: 'off', maxlength: '50', value: state.helper?.name ?? '', 'data-testid': 'helper-name' } }));
  const id = uid('helped');
  const box = h('input', { type: 'checkbox', id, name: 'helped', checked: Boolean(state.helper), 'data-testid': 'certify-helped' });
  box.addEventListener('change', () => { details.hidden = !box.checked; });
  return h('div', { class: 'panel helper' },
    h('div', { class: 'choice' }, box, h('label', { for: id }, t('certify.helped'))),
    h('p', { class: 'hint' }, t('certify.helper_hint')),
    details);
}

/** The helper the intro screen names, or null; a problem when half filled in. */
function chosenHelper() {
  const box = document.querySelector('input[name="helped"]');
  if (!box || !box.checked) return null;
  const relation = document.querySelector('input[name="helper_relation"]:checked')?.value;
  const name = document.querySelector('input[name="helper_name"]')?.value.trim() ?? '';
  if (!relation) return { problem: 'helper_relation' };
  if (!name) return { problem: 'helper_name' };
  return { relation, name };
}

async function startCertify(event) {
  if (state.busy) return;
  const helper = chosenHelper();
  if (helper && helper.problem) {
    showMessage('error', () => t(`certify.${helper.problem}_missing`), helper.problem);
    return;
  }
  state.helper = helper;
  const trigger = event && event.currentTarget;
  if (trigger) trigger.disabled = true;
  state.busy = true;
  showMessage('info', () => t('certify.preparing'));
  try {
    if (state.demo === null) await checkDemo();
    const { data } = await api('POST', '/api/v1/me/certifications/challenges');
    state.challenge = data;
    go('certify', { step: 'face' }, { replace: true });
  } catch (error) {
    state.busy = false;
    if (trigger) trigger.disabled = false;
    if (sessionEnded(error)) return;
    showError(error);
  }
}

function demoFaceBox() {
  const headingId = uid('demo-face');
  const form = h(
    'form',
    { class: 'form', novalidate: true, onSubmit: (event) => submitDemoFace(event, form) },
    textField({
      name: 'subject',
      label: t('demo.id_label'),
      hint: t('demo.id_hint'),
      attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: '18', value: demoId(), 'data-testid': 'demo-subject', dir: 'ltr' },
    }),
    button(t('demo.face_button'), null, { kind: 'primary', type: 'submit', testid: 'demo-face', icon: '☺' }),
  );
  return h(
    'section',
    { class: 'demo', 'aria-labelledby': headingId },
    h('h2', { id: headingId, class: 'demo-title' }, h('span', { class: 'demo-tag' }, t('demo.face_legend'))),
    h('p', {}, t('demo.face_note')),
    form,
  );
}

async function submitDemoFace(event, form) {
  event.preventDefault();
  if (state.busy) return;
  const subject = form.elements.subject.value.trim().toUpperCase();
  if (!subject) {
    showMessage('error', () => t('demo.id_missing'), 'subject');
    form.elements.subject.focus();
    return;
  }
  const challenge = state.challenge;
  busy(form, true);
  showMessage('info', () => t('certify.checking'));
  try {
    const face = (await api('POST', '/api/v1/demo/face', { nonce: challenge.nonce, subject })).data;
    const { data } = await api('POST', '/api/v1/me/certifications', {
      challenge_id: challenge.challenge_id,
      provider: face.provider,
      result: face.result,
      signature: face.signature,
      ...(state.helper ? { helper: state.helper } : {}),
    });
    state.challenge = null;
    state.status = null;
    go('certify-done', { benefits: Array.isArray(data && data.benefits) ? data.benefits : [] }, { replace: true });
  } catch (error) {
    busy(form, false);
    if (sessionEnded(error)) return;
    if (error instanceof ApiError && error.problem?.next_step === 'home_visit') {
      // Failed checks of someone frail or old: a home visit instead of another try (R6.3).
      state.challenge = null;
      go('certify-visit', {}, { replace: true });
      return;
    }
    if (error instanceof ApiError && (error.status === 422 || error.status === 429)) {
      // The challenge is spent: start over, with the sentence explaining why.
      state.challenge = null;
      const message = { kind: 'error', text: () => errorMessage(error) };
      go('certify', { retry: true }, { replace: true, message });
      return;
    }
    showError(error);
  }
}

function certifyDoneScreen(params) {
  const benefits = Array.isArray(params.benefits) ? params.benefits : [];
  const suspended = benefits.some((b) => b.payment_status === 'suspended' || b.note);
  const dues = benefits.map((b) => b.next_due).filter(Boolean).sort();
  return [
    backHome(),
    h('div', { class: 'result result-success' },
      h('p', { class: 'result-icon', 'aria-hidden': 'true' }, '✓'),
      title(t('certify.success_title'), { 'data-testid': 'certify-result' }),
      h('p', { class: 'lead' }, t('certify.success')),
      suspended ? h('p', { class: 'panel panel-warn' }, t('certify.note_suspended')) : null,
      dues.length ? h('p', {}, t('certify.next', { date: formatDate(dues[0]) })) : null),
    h('div', { class: 'main-action' }, button(t('common.home'), () => goHome(), { kind: 'primary', testid: 'done-home' })),
  ];
}

/** Failed face checks turned into a home visit (R6.3): nothing more to try. */
function certifyVisitScreen() {
  return [
    backHome(),
    h('div', { class: 'result' },
      h('p', { class: 'result-icon', 'aria-hidden': 'true' }, '⌂'),
      title(t('certify.visit_arranged_title'), { 'data-testid': 'certify-visit' }),
      h('p', { class: 'lead' }, t('certify.visit_arranged'))),
    h('div', { class: 'main-action' }, button(t('common.home'), () => goHome(), { kind: 'primary', testid: 'done-home' })),
  ];
}

// ------------------------------------------------------------ home visit

function visitScreen() {
  const form = h(
    'form',
    { class: 'form', novalidate: true, onSubmit: (event) => submitVisit(event, form) },
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

function invalid(key, field) {
  showMessage('error', () => t(key), field);
  document.querySelector(`#screen [name="${field}"]`)?.focus({ preventScroll: true });
}

/** The "we have it" screen after a request, a report or an objection. */
function doneScreen(kind) {
  return (params) => {
    let text;
    if (kind === 'visit') text = t(params.merged ? 'visit.merged' : 'visit.done', { date: formatDate(params.deadline) });
    else if (kind === 'death' && params.recorded) text = t(`death.${params.recorded}`);
    else text = t(`${kind}.done`);
    const heading = kind === 'death' && params.recorded ? 'death.recorded_title' : `${kind}.done_title`;
    return [
      backHome(),
      h('div', { class: 'result result-success' },
        h('p', { class: 'result-icon', 'aria-hidden': 'true' }, '✓'),
        title(t(heading), { 'data-testid': `${kind}-result` }),
        h('p', { class: 'lead' }, text)),
      h('div', { class: 'main-action' }, button(t('common.home'), () => goHome(), { kind: 'primary', testid: 'done-home' })),
    ];
  };
}

// ------------------------------------------------------------- objection

function objectScreen() {
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
    { class: 'form', novalidate: true, onSubmit: (event) => submitObjection(event, form) },
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

// ---------------------------------------------------------- death report

function today() {
  // China's calendar day (UTC+8), as the API counts it.
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function deathScreen() {
  const form = h(
    'form',
    { class: 'form', novalidate: true, onSubmit: (event) => submitDeath(event, form) },
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

// --------------------------------------------------------------- history

async function loadHistory() {
  try {
    const { data } = await api('GET', '/api/v1/me/history');
    state.history = Array.isArray(data && data.items) ? data.items : [];
    state.historyError = null;
  } catch (error) {
    if (sessionEnded(error)) return;
    state.historyError = error;
  }
  if (state.screen === 'history') render({ focus: 'keep' });
}

/** How a certification was made, in plain words. */
function channelName(code, labelZh) {
  if (CHANNELS.includes(code)) return t(`channel.${code}`);
  if (lang() === 'zh' && labelZh) return labelZh;
  return t('channel.other');
}

function historyText(item) {
  if (item.kind === 'certification') return t('history.cert', { channel: channelName(item.channel, item.label_zh) });
  if (item.kind === 'decision') {
    const outcome = item.outcome && typeof item.outcome === 'object' ? item.outcome.outcome : item.outcome;
    return ['eligible', 'not_eligible', 'unreachable'].includes(outcome) ? t(`history.decision.${outcome}`) : t('history.decision.other');
  }
  if (item.kind === 'payment') {
    const to = ['active', 'suspended', 'terminated', 'restored'].includes(item.to) ? item.to : 'unknown';
    return t('history.payment', { to: t(`payment.${to}`) });
  }
  return null;
}

function historyScreen(params) {
  if (!params.loaded) {
    state.history = null;
    state.historyError = null;
    state.params = { loaded: true };
    try {
      history.replaceState({ screen: 'history', params: state.params }, '');
    } catch {
      // fine without
    }
    loadHistory();
  }
  const parts = [backHome(), title(t('history.title'))];
  if (state.historyError) {
    parts.push(h('div', { class: 'message-slot', role: 'status', 'data-testid': 'message' },
      h('p', { class: 'message message-error' }, h('span', { class: 'message-icon', 'aria-hidden': 'true' }, '!'), h('span', { class: 'message-text' }, errorMessage(state.historyError)))));
  } else if (!state.history) {
    parts.push(h('p', { class: 'loading', role: 'status' }, t('common.loading')));
  } else {
    const items = state.history.map((item) => [item, historyText(item)]).filter(([, text]) => text);
    parts.push(
      items.length
        ? h('ol', { class: 'timeline', 'data-testid': 'history' },
          items.map(([item, text]) => h('li', {}, h('p', { class: 'timeline-date' }, formatDate(item.date)), h('p', {}, text))))
        : h('p', { class: 'panel' }, t('history.empty')),
    );
  }
  return parts;
}

// --------------------------------------------------------------- reports

// Anyone, logged in or not, may report improper receipt of benefits or staff
// misconduct (R9.1): the hotline is shown, reports may be anonymous, and the
// reference given follows the report's progress. The session is never sent
// along, so a report is anonymous unless the person leaves their contact.

/** Back to the start: home when logged in, else the login screen. */
function backStart() {
  return h('p', { class: 'back' }, button(t('common.home'), () => (getToken() ? goHome() : go('login')), { kind: 'back', testid: 'home' }));
}

let hotlineLoading = null;

/** Loads GET /api/v1/reports/hotline once; the box is then updated in place. */
function loadHotline() {
  if (state.hotline || hotlineLoading) return;
  state.hotlineError = null; // asked again each time the screen is drawn, until it is known
  hotlineLoading = api('GET', '/api/v1/reports/hotline', undefined, { anonymous: true })
    .then(({ data }) => {
      if (data && typeof data.hotline === 'string' && data.hotline.trim()) state.hotline = data;
      else state.hotlineError = new ApiError({ status: 500 });
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
function groupReference(reference) {
  return (String(reference).match(/.{1,4}/g) || []).join(' ');
}

/** What was typed as a reference: letters and digits only, in capitals. */
function normalReference(text) {
  return String(text || '').replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

function reportScreen() {
  loadHotline();
  const noteId = uid('contact-note');
  const form = h(
    'form',
    { class: 'form', novalidate: true, onSubmit: (event) => submitReport(event, form) },
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
    if (!data || typeof data.reference !== 'string' || !data.reference) throw new ApiError({ status: 500 });
    forgetDrafts('report');
    go('report-done', { reference: data.reference, anonymous: !body.reporter }, { replace: true });
  } catch (error) {
    busy(form, false);
    const key = error instanceof ApiError && error.code === 'invalid_field' && error.field ? `report.field.${error.field}` : null;
    if (key && has(key)) invalid(key, error.field);
    else showError(error);
  }
}

function reportDoneScreen(params) {
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

function reportTrackScreen(params) {
  const form = h(
    'form',
    { class: 'form', novalidate: true, onSubmit: (event) => submitTrack(event, form) },
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

// ------------------------------------------------------------------ boot

async function boot() {
  applyLang();
  buildChrome();
  trackDrafts(document.getElementById('screen'));
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const assertion = fragment.get('assertion');
  if (assertion) {
    // The mini-program's identity assertion: used once, then removed from the URL.
    try {
      history.replaceState(null, '', location.pathname + location.search);
    } catch {
      location.hash = '';
    }
    go('login', { pending: true }, { replace: true, message: { kind: 'info', text: () => t('login.logging_in') } });
    try {
      await loginWith(assertion);
    } catch (error) {
      go('login', {}, { replace: true, message: { kind: 'error', text: () => `${t('login.failed')} ${errorMessage(error)}` } });
    }
    return;
  }
  const routed = hashScreen();
  if (routed) {
    // Opened at #report (a poster's QR code), or reloaded on a report screen:
    // a reload keeps the reference just given.
    const entry = history.state;
    if (entry && entry.screen && HASHES[entry.screen] === location.hash) go(entry.screen, entry.params || {}, { replace: true });
    else go(routed, {}, { replace: true });
    return;
  }
  if (getToken()) goHome({ replace: true });
  else go('login', {}, { replace: true });
}

boot();

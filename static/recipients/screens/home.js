// The home screen: where each benefit stands and why, what to do next,
// and the way to every other task; logging out.

import { h, uid } from '../../shared/dom.js';
import { t, lang, setLang, chosen, formatDate } from '../i18n.js';
import { api, errorMessage, getToken, clearSession } from '../api.js';
import { state, go, goHome, render, messageSlot, sessionEnded } from '../state.js';
import { button, title, benefitName, plain, channelName } from '../pieces.js';

let statusLoading = null;

/** Loads GET /api/v1/me/status once at a time. */
export function loadStatus() {
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

export function actionCodes(benefit) {
  return (Array.isArray(benefit.actions) ? benefit.actions : []).map((a) => a && a.code).filter(Boolean);
}

export function homeScreen() {
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

// The history: certifications, decisions and payment changes.

import { h } from '../../shared/dom.js';
import { t, formatDate } from '../i18n.js';
import { api, errorMessage } from '../api.js';
import { state, render, sessionEnded } from '../state.js';
import { backHome, title, channelName } from '../pieces.js';

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

export function historyScreen(params) {
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

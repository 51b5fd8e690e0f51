// The "we have it" screen after a home-visit request, an objection or a
// death report.

import { h } from '../../shared/dom.js';
import { t, formatDate } from '../i18n.js';
import { goHome } from '../state.js';
import { button, backHome, title } from '../pieces.js';

/** The "we have it" screen after a request, a report or an objection. */
export function doneScreen(kind) {
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

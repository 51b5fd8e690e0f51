// 上门服务 (R6.3): home-visit requests, scheduled within 5 working days; the
// visit's outcome (with photos) is recorded on the visit itself.

import { get, post, query } from './api.js';
import { h, clear, table, field, badge, date, showError, success, announce, modal, busy, button, todayChina, fetchInto, provisional } from './ui.js';
import { HOME_VISIT_STATUS, VISIT_REASONS, label } from './labels.js';
import { outcomeDialog } from './tasks.js';
import { listOf, t } from './i18n.js';

export async function render(main, route, ctx) {
  const status = route.params.get('status') === 'scheduled' ? 'scheduled' : 'open';
  await ctx.loadOrgs();
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('上门服务')), h('p', { class: 'muted' }, t('高龄、孤寡、病残等行动不便人员申请上门认证，须在5个工作日内安排（R6.3）。'))),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('申请状态') },
      h('a', { href: '#/home-visits', 'aria-current': status === 'open' ? 'page' : null }, t('待安排')),
      h('a', { href: '#/home-visits?status=scheduled', 'aria-current': status === 'scheduled' ? 'page' : null }, t('已安排')),
    ),
  );
  const feedback = h('div', { class: 'confirmation' });
  const slot = h('div');
  main.append(feedback, slot);
  const load = async () => {
    const result = await fetchInto(slot, `/api/v1/home-visits${query({ status })}`);
    if (!result) return;
    const today = todayChina();
    slot.append(
      table({
        caption: t('{status}的上门申请', { status: HOME_VISIT_STATUS[status] }),
        columns: [
          { label: t('申请人'), cell: (v) => h('span', {}, v.person?.name ?? '', h('br'), h('span', { class: 'mono small' }, v.person?.id_number_masked ?? '')), rowHeader: true },
          { label: t('原因'), cell: (v) => label(VISIT_REASONS, v.reason) },
          { label: t('地址'), cell: (v) => v.address || '—' },
          { label: t('电话'), cell: (v) => v.phone || '—' },
          { label: t('方便的日子'), cell: (v) => (Array.isArray(v.preferred_days) && v.preferred_days.length ? listOf(v.preferred_days) : '—') },
          { label: t('申请日期'), cell: (v) => date(v.requested_on) },
          {
            label: t('最迟上门'),
            cell: (v) => [
              date(v.deadline),
              provisional(v.deadline_provisional),
              v.status === 'open' && v.deadline < today ? [' ', badge(t('已超期'), 'bad')] : null,
            ],
          },
          { label: t('承办单位'), cell: (v) => ctx.orgName(v.org_id) },
          { label: t('安排'), cell: (v) => (v.scheduled_for ? badge(t('{date} 上门', { date: v.scheduled_for }), 'ok') : badge(t('待安排'), 'warn')) },
          {
            label: t('操作'),
            cell: (v) =>
              h(
                'div',
                { class: 'row-actions' },
                v.status === 'open' ? button(t('安排上门'), () => scheduleDialog(v, feedback, load), { class: 'small primary', 'aria-label': t('为{name}安排上门', { name: v.person?.name ?? '' }) }) : null,
                button(t('登记结果'), () => recordVisit(v, ctx, feedback, load), { class: 'small secondary', 'aria-label': t('登记{name}的上门认证结果', { name: v.person?.name ?? '' }) }),
              ),
          },
        ],
        rows: result.items ?? [],
        rowAttrs: () => ({ dataset: { testid: 'home-visit-row' } }),
        empty: status === 'open' ? t('没有待安排的上门申请') : t('没有已安排的上门申请'),
      }),
    );
  };
  await load();
}

function scheduleDialog(visit, feedback, reload) {
  const { body, close } = modal(t('安排上门：{name}', { name: visit.person?.name ?? '' }));
  const day = h('input', { type: 'date', name: 'visit_on', required: true, min: todayChina(), max: visit.deadline, value: todayChina() > visit.deadline ? '' : todayChina() });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('确定安排'));
  const form = h('form', { class: 'stack' }, field(t('上门日期'), day, t('最迟 {date}（5个工作日内）；确定后将短信告知本人。', { date: visit.deadline })), errors, h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    await busy(submit, async () => {
      try {
        const r = await post(`/api/v1/home-visits/${encodeURIComponent(visit.home_visit_id)}/schedule`, { visit_on: day.value });
        close();
        const text = t('已安排 {date} 上门为 {name} 办理认证。', { date: r.visit_on, name: visit.person?.name ?? '' });
        clear(feedback).append(success(text));
        announce(text);
        await reload();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
  day.focus();
}

/** The visit's outcome is recorded on the visit itself (channel: home visit, R6.3). */
function recordVisit(visit, ctx, feedback, reload) {
  const why = label(VISIT_REASONS, visit.reason);
  const subject = {
    person: visit.person,
    reason: visit.scheduled_for ? t('上门服务：{reason}，预约 {date} 上门', { reason: why, date: visit.scheduled_for }) : t('上门服务：{reason}', { reason: why }),
  };
  outcomeDialog(subject, ctx, feedback, reload, {
    channel: 'home_visit',
    fixedChannel: true,
    path: `/api/v1/home-visits/${encodeURIComponent(visit.home_visit_id)}/outcome`,
  });
}

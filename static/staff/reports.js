// 举报投诉 (R9.1): the handling role's queue, reporters kept confidential;
// handling moves forward to investigating, then closed with a resolution.

import { get, patch, query } from './api.js';
import { h, clear, table, field, badge, date, problemBox, showError, success, announce, modal, busy, button, fetchInto } from './ui.js';
import { REPORT_KINDS, REPORT_STATUS, label } from './labels.js';
import { t } from './i18n.js';

export async function render(main, route, ctx) {
  const status = ['received', 'investigating', 'closed'].includes(route.params.get('status')) ? route.params.get('status') : 'received';
  await ctx.loadOrgs();
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('举报投诉')), h('p', { class: 'muted' }, t('违规领取和工作人员违纪的举报，及时受理、办理；举报人信息严格保密（R9.1）。'))),
    h('nav', { class: 'tabs', 'aria-label': t('办理状态') }, Object.entries(REPORT_STATUS).map(([s, l]) => h('a', { href: `#/reports${query({ status: s })}`, 'aria-current': s === status ? 'page' : null }, l))),
  );
  const feedback = h('div');
  const slot = h('div');
  main.append(feedback, slot);
  const load = async () => {
    const r = await fetchInto(slot, `/api/v1/reports${query({ status })}`);
    if (!r) return;
    slot.append(
      table({
        caption: t('{status}的举报', { status: REPORT_STATUS[status] }),
        columns: [
          { label: t('编号'), cell: (x) => h('span', { class: 'mono' }, x.reference), rowHeader: true },
          { label: t('类别'), cell: (x) => label(REPORT_KINDS, x.kind) },
          { label: t('所在区'), cell: (x) => ctx.orgName(x.district) },
          { label: t('被举报对象'), cell: (x) => x.subject },
          { label: t('举报内容'), class: 'reasons', cell: (x) => x.details },
          { label: t('举报人（保密）'), cell: (x) => (x.anonymous ? t('匿名') : `${x.reporter?.name ?? ''} ${x.reporter?.phone ?? ''}`) },
          { label: t('受理日期'), cell: (x) => date(x.received_on) },
          { label: t('状态'), cell: (x) => [badge(label(REPORT_STATUS, x.status), x.status === 'closed' ? 'ok' : 'warn'), x.resolution ? h('p', { class: 'small' }, t('处理结果：{resolution}', { resolution: x.resolution })) : null] },
          {
            label: t('操作'),
            cell: (x) =>
              x.status === 'closed'
                ? t('已于 {date} 办结', { date: date(x.closed_on) })
                : h('div', { class: 'row-actions' },
                    x.status === 'received' ? button(t('开始调查'), () => move(x, 'investigating', feedback, load).catch((error) => clear(feedback).append(problemBox(error))), { class: 'small secondary', 'aria-label': t('开始调查 {reference}', { reference: x.reference }) }) : null,
                    button(t('办结'), () => closeDialog(x, feedback, load), { class: 'small primary', 'aria-label': t('办结 {reference}', { reference: x.reference }) })),
          },
        ],
        rows: r.items ?? [],
        rowAttrs: () => ({ dataset: { testid: 'report-row' } }),
        empty: t('没有记录'),
      }),
    );
  };
  await load();
}

async function move(x, status, feedback, reload, resolution) {
  const body = { status };
  if (resolution) body.resolution = resolution;
  await patch(`/api/v1/reports/${encodeURIComponent(x.report_id)}`, body);
  const text = status === 'closed' ? t('举报 {reference} 已办结。', { reference: x.reference }) : t('举报 {reference} 已转入调查。', { reference: x.reference });
  clear(feedback).append(success(text));
  announce(text);
  await reload();
}

function closeDialog(x, feedback, reload) {
  const { body, close } = modal(t('办结举报 {reference}', { reference: x.reference }));
  const resolution = h('textarea', { name: 'resolution', rows: 4, required: true });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('办结'));
  const form = h('form', { class: 'stack' }, field(t('处理结果'), resolution, t('写明核查情况和处理结论。')), errors, h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    await busy(submit, async () => {
      try {
        await move(x, 'closed', feedback, reload, resolution.value.trim());
        close();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
  resolution.focus();
}

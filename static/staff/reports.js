// 举报投诉 (R9.1): the handling role's queue, reporters kept confidential;
// handling moves forward to investigating, then closed with a resolution.

import { get, patch, query } from './api.js';
import { h, clear, table, field, badge, date, problemBox, showError, success, announce, modal, busy, button, fetchInto } from './ui.js';
import { REPORT_KINDS, REPORT_STATUS, label } from './labels.js';

export async function render(main, route, ctx) {
  const status = ['received', 'investigating', 'closed'].includes(route.params.get('status')) ? route.params.get('status') : 'received';
  await ctx.loadOrgs();
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, '举报投诉'), h('p', { class: 'muted' }, '违规领取和工作人员违纪的举报，及时受理、办理；举报人信息严格保密（R9.1）。')),
    h('nav', { class: 'tabs', 'aria-label': '办理状态' }, Object.entries(REPORT_STATUS).map(([s, l]) => h('a', { href: `#/reports${query({ status: s })}`, 'aria-current': s === status ? 'page' : null }, l))),
  );
  const feedback = h('div');
  const slot = h('div');
  main.append(feedback, slot);
  const load = async () => {
    const r = await fetchInto(slot, `/api/v1/reports${query({ status })}`);
    if (!r) return;
    slot.append(
      table({
        caption: `${REPORT_STATUS[status]}的举报`,
        columns: [
          { label: '编号', cell: (x) => h('span', { class: 'mono' }, x.reference), rowHeader: true },
          { label: '类别', cell: (x) => label(REPORT_KINDS, x.kind) },
          { label: '所在区', cell: (x) => ctx.orgName(x.district) },
          { label: '被举报对象', cell: (x) => x.subject },
          { label: '举报内容', class: 'reasons', cell: (x) => x.details },
          { label: '举报人（保密）', cell: (x) => (x.anonymous ? '匿名' : `${x.reporter?.name ?? ''} ${x.reporter?.phone ?? ''}`) },
          { label: '受理日期', cell: (x) => date(x.received_on) },
          { label: '状态', cell: (x) => [badge(label(REPORT_STATUS, x.status), x.status === 'closed' ? 'ok' : 'warn'), x.resolution ? h('p', { class: 'small' }, `处理结果：${x.resolution}`) : null] },
          {
            label: '操作',
            cell: (x) =>
              x.status === 'closed'
                ? `已于 ${date(x.closed_on)} 办结`
                : h('div', { class: 'row-actions' },
                    x.status === 'received' ? button('开始调查', () => move(x, 'investigating', feedback, load).catch((error) => clear(feedback).append(problemBox(error))), { class: 'small secondary', 'aria-label': `开始调查 ${x.reference}` }) : null,
                    button('办结', () => closeDialog(x, feedback, load), { class: 'small primary', 'aria-label': `办结 ${x.reference}` })),
          },
        ],
        rows: r.items ?? [],
        rowAttrs: () => ({ dataset: { testid: 'report-row' } }),
        empty: '没有记录',
      }),
    );
  };
  await load();
}

async function move(x, status, feedback, reload, resolution) {
  const body = { status };
  if (resolution) body.resolution = resolution;
  await patch(`/api/v1/reports/${encodeURIComponent(x.report_id)}`, body);
  const text = `举报 ${x.reference} 已${status === 'closed' ? '办结' : '转入调查'}。`;
  clear(feedback).append(success(text));
  announce(text);
  await reload();
}

function closeDialog(x, feedback, reload) {
  const { body, close } = modal(`办结举报 ${x.reference}`);
  const resolution = h('textarea', { name: 'resolution', rows: 4, required: true });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, '办结');
  const form = h('form', { class: 'stack' }, field('处理结果', resolution, '写明核查情况和处理结论。'), errors, h('div', { class: 'dialog-actions' }, button('取消', () => close(), { class: 'ghost' }), submit));
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

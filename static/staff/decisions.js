// 结果复核 (R7.1, R7.2): districts' outcomes waiting for the city, reviewed
// one by one or in bulk: confirm, send back, or certify instead.

import { ApiError, get, post, query } from './api.js';
import { h, clear, table, field, select, badge, date, showError, success, announce, busy, button, todayChina, fetchInto, provisional, actionDialog } from './ui.js';
import { OUTCOMES, CHANNELS, REVIEWS, REVIEW_RESULTS, EVIDENCE, label } from './labels.js';
import { fileChooser, filesProblem, uploads } from './tasks.js';

export async function render(main, route, ctx) {
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  await ctx.loadOrgs();
  main.append(h('div', { class: 'page-head' }, h('h1', {}, '结果复核'), h('p', { class: 'muted' }, '区（县）、社区上报的核实结果，市级在3个工作日内确认（R7.1）；逾期的不符合和联系不上的结果将自动暂停待遇。')));
  const feedback = h('div');
  const slot = h('div');
  main.append(feedback, slot);
  const load = async () => {
    const result = await fetchInto(slot, `/api/v1/decisions${query({ page, per_page: 100 })}`);
    if (!result) return;
    const items = result.items ?? [];
    const today = todayChina();
    const boxes = new Map();
    const all = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': '全选本页' });
    all.addEventListener('change', () => {
      for (const box of boxes.values()) box.checked = all.checked;
    });
    const note = h('input', { name: 'note', maxlength: 500 });
    const action = h('select', { name: 'action' }, Object.entries(REVIEWS).map(([v, l]) => h('option', { value: v }, l)));
    const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'review-submit' } }, '处理所选');
    const errors = h('div');
    const form = h(
      'form',
      { class: 'filters inline bulk' , 'aria-label': '批量复核' },
      field('处理方式', action),
      field('理由', note, '退回或改判须写明理由'),
      h('div', { class: 'filter-actions' }, submit),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clear(errors);
      const ids = [...boxes.entries()].filter(([, b]) => b.checked).map(([id]) => id);
      if (ids.length === 0) {
        clear(errors).append(h('div', { class: 'problem', role: 'alert' }, h('p', { class: 'problem-zh' }, '请先勾选要处理的结果'), h('p', { class: 'problem-en', lang: 'en' }, 'Select the outcomes first')));
        return;
      }
      await busy(submit, async () => {
        try {
          const r = await post('/api/v1/decisions/reviews', { decision_ids: ids, action: action.value, note: note.value.trim() });
          const done = r.results.filter((x) => x.outcome === 'done');
          const refused = r.results.filter((x) => x.outcome !== 'done');
          clear(feedback).append(
            success(`已${REVIEWS[action.value]} ${done.length} 条${refused.length ? `，${refused.length} 条未处理` : ''}。`),
            refused.length
              ? h('ul', { class: 'problem', role: 'alert' }, refused.map((x) => h('li', {}, `${x.decision_id}：${x.detail ?? ''}`, h('span', { class: 'problem-en', lang: 'en' }, ` ${x.detail_en ?? ''}`))))
              : null,
          );
          announce(`已处理 ${done.length} 条`);
          await load();
        } catch (error) {
          showError(errors, error, form);
        }
      });
    });
    slot.append(
      form,
      errors,
      table({
        caption: `待复核结果（${items.length} 条）`,
        columns: [
          { label: h('span', {}, all, h('label', { for: 'select-all', class: 'visually-hidden' }, '全选')), cell: (d) => boxes.get(d.decision_id) },
          { label: '人员', cell: (d) => h('span', {}, d.person?.name ?? '', h('br'), h('span', { class: 'mono small' }, d.person?.id_number_masked ?? '')) },
          { label: '核实结果', cell: (d) => outcomeText(d.outcome) },
          { label: '核实渠道', cell: (d) => label(CHANNELS, d.channel) },
          { label: '上报单位', cell: (d) => ctx.orgName(d.org_id) },
          { label: '上报日期', cell: (d) => date(d.decided_on) },
          {
            label: '自动暂停日',
            cell: (d) =>
              d.suspends_automatically_after
                ? [
                    date(d.suspends_automatically_after),
                    provisional(d.deadline_provisional),
                    d.suspends_automatically_after <= today ? [' ', badge('今日到期', 'bad')] : null,
                  ]
                : '—',
          },
          { label: '说明', cell: (d) => d.note || '—' },
          { label: '档案', cell: (d) => h('a', { href: `#/persons/${encodeURIComponent(d.person?.person_id ?? '')}`, class: 'row-action' }, '查看', h('span', { class: 'visually-hidden' }, `${d.person?.name ?? ''}的档案`)) },
          { label: '逐条复核', cell: (d) => button('复核', () => reviewDialog(d, feedback, load), { class: 'small secondary', dataset: { testid: 'review-one' }, 'aria-label': `复核 ${d.person?.name ?? ''}` }) },
        ],
        rows: items.map((d) => {
          boxes.set(d.decision_id, h('input', { type: 'checkbox', 'aria-label': `选择 ${d.person?.name ?? ''} ${outcomeText(d.outcome)}` }));
          return d;
        }),
        rowAttrs: () => ({ dataset: { testid: 'decision-row' } }),
        empty: '没有待复核的结果',
      }),
    );
  };
  await load();
}

/** One outcome reviewed, with the files the decision rests on (R7.1, R8.2). */
function reviewDialog(d, feedback, reload) {
  const { input, status } = fileChooser('review-files');
  const fields = [
    h('p', {}, `${d.person?.name ?? ''}：${outcomeText(d.outcome)}（${label(CHANNELS, d.channel)}，${date(d.decided_on)}）`),
    field('处理方式', select('action', Object.entries(REVIEWS), { value: 'confirm', attrs: { dataset: { testid: 'review-action' } } })),
    field('理由', h('textarea', { name: 'note', rows: 3, maxlength: 500 }), '退回或改判须写明理由。'),
    field('依据材料（可选）', input, '核查记录、证明的扫描件或照片，随决定归档（R8.2）。'),
    status,
  ];
  const refresh = async (text) => {
    clear(feedback).append(success(text));
    announce(text);
    await reload();
  };
  actionDialog('复核核实结果', '确认后结果生效；退回则重新核实；改判为符合条件则恢复或继续发放。', fields, '提交', 'review-one-submit', async (data) => {
    const files = [...input.files];
    const problem = filesProblem(files);
    if (problem) throw new ApiError(422, problem);
    const payload = { action: data.get('action'), note: String(data.get('note') ?? '').trim() };
    if (files.length) payload.files = await uploads(files);
    await post(`/api/v1/decisions/${encodeURIComponent(d.decision_id)}/review`, payload);
    return `已${REVIEWS[payload.action]}${d.person?.name ?? ''}的核实结果${files.length ? `，附依据材料 ${files.length} 个` : ''}。`;
  }, refresh);
}

function outcomeText(o) {
  if (!o) return '—';
  let text = label(OUTCOMES, o.outcome);
  if (o.outcome === 'not_eligible') {
    const r = o.reason ?? {};
    const key = r.source ? `${r.type}.${r.source}` : r.form ? `${r.type}.${r.form}` : r.type;
    text += `（${EVIDENCE[key]?.[0] ?? key}，${o.loss_date ?? ''}起）`;
  }
  return text;
}
export { REVIEW_RESULTS };

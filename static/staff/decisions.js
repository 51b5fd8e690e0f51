// 结果复核 (R7.1, R7.2): districts' outcomes waiting for the city, reviewed
// one by one or in bulk: confirm, send back, or certify instead.

import { ApiError, get, post, query } from './api.js';
import { h, clear, table, field, select, badge, date, problemBox, showError, success, announce, busy, button, todayChina, fetchInto, provisional, actionDialog } from './ui.js';
import { OUTCOMES, CHANNELS, REVIEWS, REVIEW_RESULTS, EVIDENCE, label } from './labels.js';
import { fileChooser, filesProblem, uploads } from './tasks.js';
import { lang, localProblem, mark, t } from './i18n.js';

/** The punctuation set between names and figures, by language. */

export async function render(main, route, ctx) {
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  await ctx.loadOrgs();
  main.append(h('div', { class: 'page-head' }, h('h1', {}, t('结果复核')), h('p', { class: 'muted' }, t('区（县）、社区上报的核实结果，市级在3个工作日内确认（R7.1）；逾期的不符合和联系不上的结果将自动暂停待遇。'))));
  const feedback = h('div');
  const slot = h('div');
  main.append(feedback, slot);
  const load = async () => {
    const result = await fetchInto(slot, `/api/v1/decisions${query({ page, per_page: 100 })}`);
    if (!result) return;
    const items = result.items ?? [];
    const today = todayChina();
    const boxes = new Map();
    const all = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': t('全选本页') });
    all.addEventListener('change', () => {
      for (const box of boxes.values()) box.checked = all.checked;
    });
    const note = h('input', { name: 'note', maxlength: 500 });
    const action = h('select', { name: 'action' }, Object.entries(REVIEWS).map(([v, l]) => h('option', { value: v }, l)));
    const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'review-submit' } }, t('处理所选'));
    const errors = h('div');
    const form = h(
      'form',
      { class: 'filters inline bulk' , 'aria-label': t('批量复核') },
      field(t('处理方式'), action),
      field(t('理由'), note, t('退回或改判须写明理由')),
      h('div', { class: 'filter-actions' }, submit),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clear(errors);
      const ids = [...boxes.entries()].filter(([, b]) => b.checked).map(([id]) => id);
      if (ids.length === 0) {
        clear(errors).append(problemBox(new ApiError(422, localProblem('请先勾选要处理的结果'))));
        return;
      }
      await busy(submit, async () => {
        try {
          const r = await post('/api/v1/decisions/reviews', { decision_ids: ids, action: action.value, note: note.value.trim() });
          const done = r.results.filter((x) => x.outcome === 'done');
          const refused = r.results.filter((x) => x.outcome !== 'done');
          clear(feedback).append(
            success(
              refused.length
                ? t('已{action} {n} 条，{refused} 条未处理。', { action: REVIEWS[action.value], n: done.length, refused: refused.length })
                : t('已{action} {n} 条。', { action: REVIEWS[action.value], n: done.length }),
            ),
            refused.length
              ? h('ul', { class: 'problem', role: 'alert' }, refused.map((x) => h('li', {}, `${x.decision_id}${mark.colon}${x.detail ?? ''}`, h('span', { class: 'problem-second', lang: 'en' }, ` ${x.detail_en ?? ''}`))))
              : null,
          );
          announce(t('已处理 {n} 条', { n: done.length }));
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
        caption: t('待复核结果（{n} 条）', { n: items.length }),
        columns: [
          { label: h('span', {}, all, h('label', { for: 'select-all', class: 'visually-hidden' }, t('全选'))), cell: (d) => boxes.get(d.decision_id) },
          { label: t('人员'), cell: (d) => h('span', {}, d.person?.name ?? '', h('br'), h('span', { class: 'mono small' }, d.person?.id_number_masked ?? '')) },
          { label: t('核实结果'), cell: (d) => outcomeText(d.outcome) },
          { label: t('核实渠道'), cell: (d) => label(CHANNELS, d.channel) },
          { label: t('上报单位'), cell: (d) => ctx.orgName(d.org_id) },
          { label: t('上报日期'), cell: (d) => date(d.decided_on) },
          {
            label: t('自动暂停日'),
            cell: (d) =>
              d.suspends_automatically_after
                ? [
                    date(d.suspends_automatically_after),
                    provisional(d.deadline_provisional),
                    d.suspends_automatically_after <= today ? [' ', badge(t('今日到期'), 'bad')] : null,
                  ]
                : '—',
          },
          { label: t('说明'), cell: (d) => d.note || '—' },
          { label: t('档案'), cell: (d) => h('a', { href: `#/persons/${encodeURIComponent(d.person?.person_id ?? '')}`, class: 'row-action' }, t('查看'), h('span', { class: 'visually-hidden' }, t('{name}的档案', { name: d.person?.name ?? '' }))) },
          { label: t('逐条复核'), cell: (d) => button(t('复核'), () => reviewDialog(d, feedback, load), { class: 'small secondary', dataset: { testid: 'review-one' }, 'aria-label': t('复核 {name}', { name: d.person?.name ?? '' }) }) },
        ],
        rows: items.map((d) => {
          boxes.set(d.decision_id, h('input', { type: 'checkbox', 'aria-label': t('选择 {name} {outcome}', { name: d.person?.name ?? '', outcome: outcomeText(d.outcome) }) }));
          return d;
        }),
        rowAttrs: () => ({ dataset: { testid: 'decision-row' } }),
        empty: t('没有待复核的结果'),
      }),
    );
  };
  await load();
}

/** One outcome reviewed, with the files the decision rests on (R7.1, R8.2). */
function reviewDialog(d, feedback, reload) {
  const { input, status } = fileChooser('review-files');
  const fields = [
    h('p', {}, `${d.person?.name ?? ''}${mark.colon}${outcomeText(d.outcome)}${mark.open}${label(CHANNELS, d.channel)}${mark.comma}${date(d.decided_on)}${mark.close}`),
    field(t('处理方式'), select('action', Object.entries(REVIEWS), { value: 'confirm', attrs: { dataset: { testid: 'review-action' } } })),
    field(t('理由'), h('textarea', { name: 'note', rows: 3, maxlength: 500 }), t('退回或改判须写明理由。')),
    field(t('依据材料（可选）'), input, t('核查记录、证明的扫描件或照片，随决定归档（R8.2）。')),
    status,
  ];
  const refresh = async (text) => {
    clear(feedback).append(success(text));
    announce(text);
    await reload();
  };
  actionDialog(t('复核核实结果'), t('确认后结果生效；退回则重新核实；改判为符合条件则恢复或继续发放。'), fields, t('提交'), 'review-one-submit', async (data) => {
    const files = [...input.files];
    const problem = filesProblem(files);
    if (problem) throw new ApiError(422, problem);
    const payload = { action: data.get('action'), note: String(data.get('note') ?? '').trim() };
    if (files.length) payload.files = await uploads(files);
    await post(`/api/v1/decisions/${encodeURIComponent(d.decision_id)}/review`, payload);
    const said = { action: REVIEWS[payload.action], name: d.person?.name ?? '', n: files.length };
    return files.length ? t('已{action}{name}的核实结果，附依据材料 {n} 个。', said) : t('已{action}{name}的核实结果。', said);
  }, refresh);
}

function outcomeText(o) {
  if (!o) return '—';
  let text = label(OUTCOMES, o.outcome);
  if (o.outcome === 'not_eligible') {
    const r = o.reason ?? {};
    const key = r.source ? `${r.type}.${r.source}` : r.form ? `${r.type}.${r.form}` : r.type;
    text += t('（{reason}，{date}起）', { reason: EVIDENCE[key]?.[0] ?? key, date: o.loss_date ?? '' });
  }
  return text;
}
export { REVIEW_RESULTS };

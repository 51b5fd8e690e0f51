// 台账: the verification ledger (信息核实台账, R5.4) and the service ledger of
// persons with limited mobility (服务台账, R6.3) of a period, and the
// register of those persons (服务对象名册), paged, each exportable as CSV (fetched with the token; the export is audited, R8.1).

import { ApiError, get, fetchBlob, query } from './api.js';
import { h, clear, table, field, badge, number, date, problemBox, announce, saveBlob, busy, button, todayChina, addDays } from './ui.js';
import { OUTCOMES, CHANNELS, LEDGER_STATUS, REVIEW_RESULTS, SPECIAL_GROUPS, VISIT_REASONS, label } from './labels.js';
import { lang, localProblem, mark, t } from './i18n.js';

// Chinese punctuation has no Han letters to be a key: how each language writes
// the separator between a list's items and a requirement id after a title.

const PER_PAGE = 20;

function status(code) {
  if (!code) return '—';
  const [text, kind] = LEDGER_STATUS[code] ?? [code, ''];
  return badge(text, kind);
}

function outcome(o) {
  if (!o) return '—';
  return label(OUTCOMES, typeof o === 'string' ? o : o.outcome);
}

const person = (r) => h('span', {}, r.name ?? '—', h('br'), h('span', { class: 'mono small' }, r.id_number_masked ?? ''));

const LEDGERS = [
  {
    kind: 'verification',
    name: t('信息核实台账'),
    page: 'vp',
    requirement: 'R5.4',
    about: t('期间内下发的每件核实任务及其核实结果（按下发日期统计）。'),
    columns: [
      { label: t('任务编号'), cell: (r) => h('span', { class: 'mono small' }, r.ref ?? '—'), rowHeader: true },
      { label: t('姓名 / 公民身份号码'), cell: person },
      { label: t('核实事项'), class: 'reasons', cell: (r) => r.reason || '—' },
      { label: t('承办单位'), cell: (r) => r.org_name || '—' },
      { label: t('下发日期'), class: 'date', cell: (r) => date(r.on_day) },
      { label: t('办结期限'), class: 'date', cell: (r) => date(r.deadline) },
      { label: t('状态'), cell: (r) => status(r.status) },
      { label: t('办结日期'), class: 'date', cell: (r) => date(r.closed_on) },
      { label: t('核实结果'), cell: (r) => outcome(r.outcome) },
      { label: t('核实方式'), cell: (r) => label(CHANNELS, r.channel) },
      { label: t('核实日期'), class: 'date', cell: (r) => date(r.decided_on) },
      { label: t('市级复核'), cell: (r) => label(REVIEW_RESULTS, r.review) },
    ],
  },
  {
    kind: 'service',
    name: t('服务台账'),
    page: 'sp',
    requirement: 'R6.3',
    about: t('高龄、孤寡、病残等行动不便人员的上门服务申请、预约和上门结果（按申请日期统计）。'),
    columns: [
      { label: t('申请编号'), cell: (r) => h('span', { class: 'mono small' }, r.ref ?? '—'), rowHeader: true },
      { label: t('姓名 / 公民身份号码'), cell: person },
      { label: t('申请事由'), cell: (r) => label(VISIT_REASONS, r.reason) },
      { label: t('服务单位'), cell: (r) => r.org_name || '—' },
      { label: t('申请日期'), class: 'date', cell: (r) => date(r.on_day) },
      { label: t('上门期限'), class: 'date', cell: (r) => date(r.deadline) },
      { label: t('预约上门日期'), class: 'date', cell: (r) => date(r.scheduled_for) },
      { label: t('状态'), cell: (r) => status(r.status) },
      { label: t('逾期督办日期'), class: 'date', cell: (r) => date(r.escalated_on) },
      { label: t('上门日期'), class: 'date', cell: (r) => date(r.visited_on) },
      { label: t('核实结果'), cell: (r) => outcome(r.outcome) },
    ],
  },
  {
    kind: 'register',
    name: t('服务对象名册'),
    page: 'rp',
    requirement: 'R6.3',
    about: t('社区登记的高龄、孤寡、病残、精神疾病等行动不便人员，及其上门服务情况（截至今天，不按期间统计）。'),
    columns: [
      { label: t('姓名 / 公民身份号码'), cell: person, rowHeader: true },
      { label: t('服务类别'), cell: (r) => (r.special_groups ?? []).map((g) => label(SPECIAL_GROUPS, g)).join(mark.enumeration) || '—' },
      { label: t('所在社区'), cell: (r) => r.org_name || '—' },
      { label: t('最近上门日期'), class: 'date', cell: (r) => date(r.last_visit) },
      { label: t('上门次数'), class: 'num', cell: (r) => number(r.visits ?? 0) },
      { label: t('待上门期限'), class: 'date', cell: (r) => date(r.visit_due) },
    ],
  },
];

export async function render(main, route, ctx) {
  const params = route.params;
  const today = todayChina();
  const to = params.get('to') || today;
  const from = params.get('from') || addDays(to, -365);
  const pages = Object.fromEntries(LEDGERS.map((l) => [l.page, Math.max(1, Number(params.get(l.page)) || 1)]));

  const fromInput = h('input', { type: 'date', name: 'from', value: from, max: today, required: true, dataset: { testid: 'ledger-from' } });
  const toInput = h('input', { type: 'date', name: 'to', value: to, max: today, required: true, dataset: { testid: 'ledger-to' } });
  const errors = h('div');
  const form = h(
    'form',
    { class: 'filters inline', 'aria-label': t('统计期间') },
    field(t('起始日期'), fromInput),
    field(t('截止日期'), toInput),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'primary', dataset: { testid: 'ledger-submit' } }, t('查询'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clear(errors);
    if (fromInput.value && toInput.value && fromInput.value > toInput.value) {
      errors.append(problemBox(new ApiError(422, localProblem('起始日期晚于截止日期', {}, 'from'))));
      fromInput.setAttribute('aria-invalid', 'true');
      fromInput.focus();
      return;
    }
    ctx.navigate(`#/ledgers${query({ from: fromInput.value, to: toInput.value })}`);
  });

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('台账')), h('p', { class: 'muted' }, t('本单位管辖范围内的信息核实台账（R5.4）和服务台账（R6.3）；姓名、证件号已脱敏，不含地址和电话。'))),
    form,
    errors,
  );

  const sections = LEDGERS.map((ledger) => {
    const slot = h('div');
    const section = h(
      'section',
      { class: 'card', 'aria-labelledby': `ledger-${ledger.kind}-title`, dataset: { testid: `ledger-${ledger.kind}` } },
      h('h2', { id: `ledger-${ledger.kind}-title` }, `${ledger.name}${mark.open}${ledger.requirement}${mark.close}`),
      h('p', { class: 'muted' }, ledger.about),
      slot,
    );
    main.append(section);
    return [ledger, slot];
  });
  await Promise.all(sections.map(([ledger, slot]) => loadLedger(ledger, slot, { from, to, pages })));
}

async function loadLedger(ledger, slot, { from, to, pages }) {
  const page = pages[ledger.page];
  let result;
  try {
    result = await get(`/api/v1/ledgers/${ledger.kind}${query({ from, to, page, per_page: PER_PAGE })}`);
  } catch (error) {
    slot.append(problemBox(error));
    return;
  }
  const total = result.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / PER_PAGE));
  const period = t('{from} 至 {to}', { from: result.from ?? from, to: result.to ?? to });

  const exportSlot = h('div', { class: 'export-status', 'aria-live': 'polite' });
  const exportButton = button(t('导出{name}CSV', { name: ledger.name }), async () => {
    await busy(exportButton, async () => {
      clear(exportSlot);
      try {
        const blob = await fetchBlob(`/api/v1/ledgers/${ledger.kind}${query({ from: result.from ?? from, to: result.to ?? to, format: 'csv' })}`, 'text/csv');
        const fileName = t('{name}-{from}至{to}.csv', { name: ledger.name, from: result.from ?? from, to: result.to ?? to });
        saveBlob(blob, fileName);
        exportSlot.append(h('span', { class: 'muted' }, t('已导出“{file}”（整个期间，UTF-8，可用Excel打开；导出已记录审计日志）', { file: fileName })));
        announce(t('{name}已导出', { name: ledger.name }));
      } catch (error) {
        exportSlot.append(problemBox(error));
      }
    });
  }, { class: 'secondary', dataset: { testid: `export-ledger-${ledger.kind}` } });

  slot.append(
    h(
      'div',
      { class: 'toolbar' },
      h('p', { class: 'count', dataset: { testid: `ledger-${ledger.kind}-total` } }, h('strong', {}, result[`name_${lang()}`] ?? ledger.name), t('：{period}，共 {n} 条', { period, n: number(total) }), pageCount > 1 ? t('，第 {page}/{pages} 页', { page, pages: pageCount }) : ''),
      h('div', { class: 'toolbar-actions' }, exportButton),
    ),
    exportSlot,
    table({
      caption: t('{name}（{period}，第 {page} 页）', { name: ledger.name, period, page }),
      columns: ledger.columns,
      rows: result.items ?? [],
      rowAttrs: () => ({ dataset: { testid: 'ledger-row' } }),
      empty: t('本期间没有记录'),
    }),
  );
  if (pageCount > 1) {
    const here = new URLSearchParams(location.hash.split('?')[1] ?? '');
    const link = (p, text, ariaLabel) => {
      here.set(ledger.page, String(p));
      return h('a', { href: `#/ledgers?${here.toString()}`, class: 'button-link', 'aria-label': ariaLabel }, text);
    };
    slot.append(
      h('nav', { class: 'pager', 'aria-label': t('{name}翻页', { name: ledger.name }) }, page > 1 ? link(page - 1, t('上一页'), t('{name}上一页', { name: ledger.name })) : null, h('span', {}, t('第 {page} / {pages} 页', { page, pages: pageCount })), page < pageCount ? link(page + 1, t('下一页'), t('{name}下一页', { name: ledger.name })) : null),
    );
  }
}

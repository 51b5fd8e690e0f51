// 认证周期规则 (R4.2; `manage_orgs`): the cycle rules in force for each
// benefit type, every version on record, and a new version with its
// effective date, previewed per district before it is saved.

import { get, post } from './api.js';
import { h, clear, table, field, select, badge, number, dateTime, showError, success, announce, busy, button, todayChina, fetchInto } from './ui.js';
import { BENEFIT_TYPES, CODES, label } from './labels.js';
import { listOf, pickName, t } from './i18n.js';

/** A policy in a sentence. */
function describe(policy) {
  if (!policy) return '—';
  const unit = policy.period?.unit;
  const periodEntry = CODES.cycle_periods.find((p) => p.code === unit);
  const period = unit === 'days' ? t('每 {n} 天', { n: policy.period.n }) : periodEntry ? pickName(periodEntry) : unit;
  const modeEntry = CODES.cycle_modes.find((m) => m.code === policy.mode?.mode);
  const mode = modeEntry ? pickName(modeEntry) : policy.mode?.mode;
  const reminders = listOf((policy.reminder_days_before_due ?? []).map((d) => (d === 0 ? t('当天') : d > 0 ? t('前{n}天', { n: d }) : t('后{n}天', { n: -d })))) || t('不提醒');
  const window = policy.mode?.collection_window;
  return window
    ? t('{period}，{mode}，集中认证期至 {month} 月 {day} 日；宽限 {grace} 天；提醒：{reminders}', { period, mode, month: window.end_month, day: window.end_day, grace: policy.grace_days, reminders })
    : t('{period}，{mode}；宽限 {grace} 天；提醒：{reminders}', { period, mode, grace: policy.grace_days, reminders });
}

export async function render(main) {
  const slot = h('div');
  const load = async () => {
    clear(slot);
    const r = await fetchInto(slot, '/api/v1/policies');
    if (!r) return;
    slot.append(
      table({
        caption: t('今天（{on}）适用的认证周期', { on: r.on }),
        columns: [
          { label: t('待遇类型'), cell: (p) => label(BENEFIT_TYPES, p.benefit_type), rowHeader: true },
          { label: t('规则'), cell: (p) => describe(p.policy) },
          { label: t('来源'), cell: (p) => (p.source.kind === 'default' ? badge(t('通知默认'), 'soft') : badge(t('自 {date} 起', { date: p.source.effective_from }), 'ok')) },
        ],
        rows: r.in_force,
        rowAttrs: (p) => ({ dataset: { testid: 'policy-row', benefit: p.benefit_type } }),
      }),
      table({
        caption: t('历次设置（不覆盖，按生效日期适用）'),
        columns: [
          { label: t('待遇类型'), cell: (v) => label(BENEFIT_TYPES, v.benefit_type), rowHeader: true },
          { label: t('生效日期'), class: 'date', cell: (v) => v.effective_from },
          { label: t('规则'), cell: (v) => describe(v.policy) },
          { label: t('说明'), cell: (v) => v.note || '—' },
          { label: t('设置人'), cell: (v) => v.set_by },
          { label: t('设置时间'), class: 'date', cell: (v) => dateTime(v.set_at) },
        ],
        rows: r.versions,
        empty: t('尚未设置，均按通知默认规则'),
      }),
    );
  };

  const benefit = select('benefit_type', Object.entries(BENEFIT_TYPES), { attrs: { dataset: { testid: 'policy-benefit' } } });
  const from = h('input', { type: 'date', name: 'effective_from', required: true, min: todayChina(), value: todayChina(), dataset: { testid: 'policy-from' } });
  const unit = select('unit', CODES.cycle_periods.map((p) => [p.code, pickName(p)]), { value: 'year', attrs: { dataset: { testid: 'policy-unit' } } });
  const days = h('input', { type: 'number', name: 'days', min: 1, max: 3660, value: 90, inputmode: 'numeric' });
  const mode = select('mode', CODES.cycle_modes.map((m) => [m.code, pickName(m)]), { value: 'calendar', attrs: { dataset: { testid: 'policy-mode' } } });
  const windowMonth = h('input', { type: 'number', name: 'window_month', min: 1, max: 12, inputmode: 'numeric', placeholder: t('月') });
  const windowDay = h('input', { type: 'number', name: 'window_day', min: 1, max: 31, inputmode: 'numeric', placeholder: t('日') });
  const grace = h('input', { type: 'number', name: 'grace_days', min: 0, max: 366, value: 30, inputmode: 'numeric', dataset: { testid: 'policy-grace' } });
  const reminders = h('input', { type: 'text', name: 'reminders', value: '30,7,0', inputmode: 'numeric' });
  const note = h('input', { type: 'text', name: 'note', maxlength: 500, placeholder: t('依据的文件或原因') });
  const errors = h('div');
  const result = h('div', { 'aria-live': 'polite', dataset: { testid: 'policy-result' } });
  const proposal = () => ({
    benefit_type: benefit.value,
    effective_from: from.value,
    period: unit.value === 'days' ? { unit: 'days', n: Number(days.value) } : { unit: unit.value },
    mode:
      mode.value === 'calendar'
        ? { mode: 'calendar', collection_window: windowMonth.value ? { end_month: Number(windowMonth.value), end_day: Number(windowDay.value || 1) } : null }
        : { mode: mode.value },
    grace_days: Number(grace.value),
    reminder_days_before_due: reminders.value.split(/[,，、\s]+/).filter(Boolean).map(Number),
    note: note.value,
  });
  const previewButton = button(t('预览影响'), async () => {
    clear(errors);
    await busy(previewButton, async () => {
      try {
        const r = await post('/api/v1/policies/preview', proposal());
        const counts = (c) => t('待认证 {due}，逾期 {overdue}，待核实 {lapsed}', { due: number(c.due), overdue: number(c.overdue), lapsed: number(c.lapsed) });
        clear(result).append(
          table({
            caption: t('{date} 起按新规则，各区（县）领取{benefit}的人员', { date: r.effective_from, benefit: label(BENEFIT_TYPES, r.benefit_type) }),
            columns: [
              { label: t('参保地'), cell: (d) => d.insured_district, rowHeader: true },
              { label: t('现行规则'), cell: (d) => counts(d.current) },
              { label: t('新规则'), cell: (d) => counts(d.proposed) },
            ],
            rows: r.districts,
            rowAttrs: () => ({ dataset: { testid: 'policy-preview-row' } }),
            empty: t('没有领取该待遇的人员'),
          }),
        );
        announce(t('已预览新规则的影响'));
      } catch (error) {
        showError(errors, error, form);
      }
    });
  }, { class: 'ghost', dataset: { testid: 'policy-preview' } });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'policy-submit' } }, t('保存新规则'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'filters inline' }, field(t('待遇类型'), benefit), field(t('生效日期'), from, t('不早于今天；此前的日期仍按原规则。'))),
    h('div', { class: 'filters inline' }, field(t('周期'), unit), field(t('天数（按天数时）'), days), field(t('方式'), mode)),
    h(
      'div',
      { class: 'filters inline' },
      field(t('集中认证期截止月'), windowMonth, t('仅按年的自然周期可设，如每年7月31日前认证；不填则年底前认证。')),
      field(t('截止日'), windowDay),
    ),
    h('div', { class: 'filters inline' }, field(t('宽限天数'), grace, t('到期后多少天内未认证仍不列入待核实。')), field(t('提醒（到期前天数）'), reminders, t('用逗号分隔，0 为到期当天。'))),
    field(t('说明'), note),
    errors,
    h('div', { class: 'filter-actions' }, previewButton, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    await busy(submit, async () => {
      try {
        const r = await post('/api/v1/policies', proposal());
        const message = t('已保存：{benefit}自 {date} 起{rule}。', { benefit: label(BENEFIT_TYPES, r.benefit_type), date: r.effective_from, rule: describe(r.policy) });
        clear(result).append(success(message));
        announce(message);
        await load();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  main.append(
    slot,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'policy-title' },
      h('h2', { id: 'policy-title' }, t('设置认证周期')),
      h('p', { class: 'muted' }, t('按待遇类型设置认证周期（R4.2），保存前可预览生效当天各区（县）待认证、逾期和待核实的人数。')),
      form,
      result,
    ),
  );
  await load();
}

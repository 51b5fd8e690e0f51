// 工作概览: the dashboard of the caller's scope, with Chart.js charts.

import { get, post } from './api.js';
import { h, yuan, number, percent, table, button, clear, dateTime, problemBox, success, announce } from './ui.js';
import { LIST_SHORT, PAYMENT, channelName } from './labels.js';
import { mark, t } from './i18n.js';

// Chinese punctuation is no key of its own (it has no Han letters): the
// separators between a list's items and after a title in each language.

const COLORS = {
  blue: '#1d5fbf',
  teal: '#0f7b6c',
  amber: '#b26a00',
  red: '#b3261e',
  grey: '#6b7280',
  violet: '#6d3fb5',
  sky: '#3b8ee0',
  green: '#2e7d32',
};

function setupChartDefaults() {
  const Chart = window.Chart;
  if (!Chart || Chart.__zige) return;
  Chart.defaults.font.family = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';
  Chart.defaults.font.size = 14;
  Chart.defaults.color = '#1f2933';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.__zige = true;
}

const charts = [];
function destroyCharts() {
  while (charts.length) charts.pop().destroy();
}

/** A chart card: a titled figure with a canvas (role img, summarised) and the numbers as text. */
function chartCard(title, summary, config, extra) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}${mark.colon}${summary}`, dataset: { testid: 'dashboard-chart' } }, summary);
  const card = h(
    'figure',
    { class: 'card chart-card' },
    h('figcaption', {}, h('h2', {}, title), h('p', { class: 'muted small' }, summary)),
    h('div', { class: 'chart-box' }, canvas),
    extra ?? null,
  );
  queueMicrotask(() => {
    if (canvas.isConnected && window.Chart) charts.push(new window.Chart(canvas, config));
  });
  return card;
}

function doughnut(labels, data, colors) {
  return {
    type: 'doughnut',
    data: { labels, datasets: [{ data, backgroundColor: colors, borderColor: '#fff', borderWidth: 2 }] },
    options: { cutout: '58%', plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, padding: 12 } } } },
  };
}

function bar(labels, data, color, { horizontal = false, label = t('数量') } = {}) {
  return {
    type: 'bar',
    data: { labels, datasets: [{ label, data, backgroundColor: color, borderRadius: 4, maxBarThickness: 48 }] },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      plugins: { legend: { display: false } },
      scales: {
        [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
        [horizontal ? 'y' : 'x']: { grid: { display: false } },
      },
    },
  };
}

function kpi(label, value, note, kind = '') {
  return h('div', { class: ['kpi', kind && `kpi-${kind}`] }, h('span', { class: 'kpi-label' }, label), h('strong', { class: 'kpi-value' }, value), note ? h('span', { class: 'kpi-note' }, note) : null);
}

/**
 * New accounts of the officer's own agency and role that wait for the
 * officer's confirmation (separation of duties); nothing when there are none.
 */
async function confirmations() {
  const slot = h('div', { dataset: { testid: 'staff-confirmations' } });
  const load = async () => {
    const items = (await get('/api/v1/staff/confirmations')).items ?? [];
    clear(slot);
    if (!items.length) return;
    const feedback = h('div', { 'aria-live': 'polite' });
    const confirm = (s) => async () => {
      try {
        await post(`/api/v1/staff/${encodeURIComponent(s.id)}/confirmation`, {});
        const text = t('已确认 {name}（{username}）的账号，对方现在可以登录。', { name: s.display_name, username: s.username });
        announce(text);
        await load();
        slot.prepend(success(text));
      } catch (error) {
        clear(feedback).append(problemBox(error));
      }
    };
    slot.append(
      h(
        'section',
        { class: 'card notice warn' },
        h('h2', {}, t('待您确认的新账号')),
        h('p', {}, t('市人社局为本机构新建了以下账号。请核实确为本机构工作人员后再确认；确认前账号不能登录。')),
        feedback,
        table({
          caption: t('待确认账号（共 {n} 个）', { n: items.length }),
          columns: [
            { label: t('姓名'), cell: (s) => s.display_name, rowHeader: true },
            { label: t('用户名'), cell: (s) => h('span', { class: 'mono' }, s.username) },
            { label: t('新建时间'), cell: (s) => dateTime(s.created_at) },
            { label: t('操作'), cell: (s) => button(t('确认'), confirm(s), { class: 'small', 'aria-label': t('确认账号 {username}', { username: s.username }) }) },
          ],
          rows: items,
          empty: '',
        }),
      ),
    );
  };
  await load();
  return slot;
}

export async function render(main, _route, ctx) {
  setupChartDefaults();
  destroyCharts();
  const d = await get('/api/v1/dashboard');
  const lists = d.lists ?? {};
  const coverage = d.coverage ?? {};
  const backlog = d.task_backlog_by_age_days ?? {};
  const payment = d.payment ?? {};
  const recovery = d.recovery ?? {};
  const openTasks = Object.values(backlog).reduce((a, b) => a + b, 0);
  const uncertified = Math.max(0, (d.benefits ?? 0) - (coverage.certified ?? 0));

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('工作概览')), h('p', { class: 'muted' }, t('统计日期 {date} · 本单位管辖范围内', { date: d.as_of ?? '' }))),
  );
  main.append(await confirmations());
  if (d.reassessment_pending > 0) {
    main.append(h('p', { class: 'notice warn' }, t('另有 {n} 人的数据比对结果待下次定时任务更新，名单计数可能稍有滞后。', { n: number(d.reassessment_pending) })));
  }
  main.append(
    h(
      'section',
      { class: 'kpis', 'aria-label': t('主要指标') },
      kpi(t('待遇笔数'), number(d.benefits), t('每人每险种一笔')),
      kpi(t('认证覆盖率'), percent(coverage.share), t('已认证 {n} 笔', { n: number(coverage.certified) }), 'good'),
      kpi(t('待核实'), number(lists.to_verify ?? 0), t('{list}名单', { list: LIST_SHORT.to_verify }), lists.to_verify ? 'warn' : ''),
      kpi(t('丧失资格'), number(lists.lost ?? 0), t('{list}名单', { list: LIST_SHORT.lost }), lists.lost ? 'bad' : ''),
      kpi(t('在办核实任务'), number(openTasks), t('按立案天数统计')),
      kpi(t('待追回金额'), yuan(recovery.outstanding_fen ?? 0), t('{n} 件追回案件', { n: number(recovery.cases ?? 0) }), recovery.outstanding_fen ? 'bad' : ''),
    ),
  );

  const grid = h('div', { class: 'chart-grid' });
  main.append(grid);

  // Coverage: silent matching versus active certification.
  grid.append(
    chartCard(
      t('认证覆盖：数据比对与主动认证'),
      t('数据比对视同认证 {silent} 笔，主动认证 {active} 笔，尚未认证 {none} 笔', { silent: coverage.silent ?? 0, active: coverage.active ?? 0, none: uncertified }),
      doughnut([t('数据比对（静默认证）'), t('主动认证（刷脸、实地核实）'), t('尚未认证')], [coverage.silent ?? 0, coverage.active ?? 0, uncertified], [COLORS.teal, COLORS.blue, '#c7ccd3']),
    ),
  );

  const channels = Object.entries(coverage.by_channel ?? {})
    .filter(([code]) => code !== 'none')
    .sort((a, b) => b[1] - a[1]);
  grid.append(
    chartCard(
      t('按认证渠道'),
      channels.length ? channels.map(([c, n]) => t('{name} {n} 笔', { name: channelName(c), n })).join(mark.comma) : t('本周期尚无认证记录'),
      bar(channels.map(([c]) => channelName(c)), channels.map(([, n]) => n), COLORS.blue, { horizontal: true, label: t('笔数') }),
    ),
  );

  const listOrder = ['eligible', 'to_verify', 'lost', 'unassessed'].filter((k) => k in lists || k !== 'unassessed');
  grid.append(
    chartCard(
      t('三类名单'),
      listOrder.map((k) => `${LIST_SHORT[k]} ${lists[k] ?? 0}`).join(mark.comma),
      bar(listOrder.map((k) => LIST_SHORT[k]), listOrder.map((k) => lists[k] ?? 0), listOrder.map((k) => ({ eligible: COLORS.green, to_verify: COLORS.amber, lost: COLORS.red, unassessed: COLORS.grey })[k]), { label: t('笔数') }),
      h('p', { class: 'card-links' }, h('a', { href: '#/lists/to_verify' }, t('查看待核实名单')), ' · ', h('a', { href: '#/lists/lost' }, t('查看丧失资格名单'))),
    ),
  );

  const ages = ['0-5', '6-15', '16-30', '31+'];
  grid.append(
    chartCard(
      t('核实任务积压（按立案天数）'),
      ages.map((a) => t('{days}天 {n} 件', { days: a, n: backlog[a] ?? 0 })).join(mark.comma),
      bar(ages.map((a) => t('{days} 天', { days: a })), ages.map((a) => backlog[a] ?? 0), [COLORS.sky, COLORS.blue, COLORS.amber, COLORS.red], { label: t('任务数') }),
      ctx.can('work_tasks') ? h('p', { class: 'card-links' }, h('a', { href: '#/tasks' }, t('打开任务队列'))) : null,
    ),
  );

  const states = ['active', 'suspended', 'terminated', 'restored'];
  grid.append(
    chartCard(
      t('待遇发放状态'),
      states.map((s) => `${PAYMENT[s]} ${payment[s] ?? 0}`).join(mark.comma),
      doughnut(states.map((s) => PAYMENT[s]), states.map((s) => payment[s] ?? 0), [COLORS.green, COLORS.amber, COLORS.red, COLORS.sky]),
    ),
  );

  const recovered = Math.max(0, (recovery.amount_fen ?? 0) - (recovery.outstanding_fen ?? 0));
  grid.append(
    chartCard(
      t('多领待遇追回'),
      t('{cases} 件，应追回 {amount}，已追回 {recovered}，尚欠 {outstanding}', { cases: recovery.cases ?? 0, amount: yuan(recovery.amount_fen ?? 0), recovered: yuan(recovered), outstanding: yuan(recovery.outstanding_fen ?? 0) }),
      {
        ...bar([t('已追回'), t('尚欠')], [recovered / 100, (recovery.outstanding_fen ?? 0) / 100], [COLORS.green, COLORS.red], { horizontal: true, label: t('金额（元）') }),
      },
      ctx.can('recover_overpayments') ? h('p', { class: 'card-links' }, h('a', { href: '#/recoveries' }, t('查看追回案件'))) : null,
    ),
  );

  grid.append(paymentChangesCard(d));
  main.append(districtSection(d, ctx));
}

/** The months of the last year up to the statistics date, with any the API returned. */
function lastMonths(asOf, data) {
  const months = new Set(Object.keys(data));
  const end = /^\d{4}-\d{2}/.test(asOf ?? '') ? asOf.slice(0, 7) : new Date().toISOString().slice(0, 7);
  let [y, m] = end.split('-').map(Number);
  for (let i = 0; i < 12; i++) {
    months.add(`${y}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return [...months].sort();
}

const CHANGE_KINDS = [
  ['suspended', PAYMENT.suspended, COLORS.amber],
  ['terminated', PAYMENT.terminated, COLORS.red],
  ['restored', PAYMENT.restored, COLORS.teal],
];

/** "2026-01" → "2026年1月" for the first month and each January, else "2月". */
function monthLabel(m, i) {
  const month = Number(m.slice(5, 7));
  return i === 0 || month === 1 ? t('{year}年{month}月', { year: m.slice(0, 4), month }) : t('{month}月', { month });
}

/** Suspensions, terminations and restorations per month over the last year. */
function paymentChangesCard(d) {
  const data = d.payment_changes_by_month ?? {};
  const months = lastMonths(d.as_of, data);
  const totals = CHANGE_KINDS.map(([k, name]) => [name, months.reduce((sum, m) => sum + (data[m]?.[k] ?? 0), 0)]);
  const summary = t('近一年按月统计：{counts}', { counts: totals.map(([name, n]) => t('{name} {n} 笔', { name, n })).join(mark.comma) });
  return chartCard(
    t('待遇暂停、停发、恢复（按月）'),
    summary,
    {
      type: 'line',
      data: {
        labels: months.map(monthLabel),
        datasets: CHANGE_KINDS.map(([k, name, color]) => ({
          label: name,
          data: months.map((m) => data[m]?.[k] ?? 0),
          borderColor: color,
          backgroundColor: color,
          tension: 0.2,
          pointRadius: 3,
        })),
      },
      options: {
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, padding: 12 } } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true } } },
      },
    },
  );
}

/** The three lists per district of insurance (the dashboard's `by_district`), as a stacked bar and a table. */
function districtSection(d, ctx) {
  const byDistrict = d.by_district ?? {};
  const rows = Object.entries(byDistrict)
    .map(([code, counts]) => {
      const eligible = counts.eligible ?? 0;
      const toVerify = counts.to_verify ?? 0;
      const lost = counts.lost ?? 0;
      const name = code ? ctx.orgName(code) : t('未登记参保地');
      return { code, name, eligible, to_verify: toVerify, lost, total: eligible + toVerify + lost };
    })
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name, 'zh-CN'));
  const canvas = h('canvas', { role: 'img', 'aria-label': t('各区（县）三类名单笔数（堆叠柱状图），数字见下表'), dataset: { testid: 'dashboard-chart' } }, t('各区（县）三类名单笔数，数字见下表'));
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'by-district' },
    h('h2', { id: 'by-district' }, t('各区（县）认证情况')),
    h('p', { class: 'muted' }, t('按参保地统计三类名单的笔数。')),
    h('div', { class: 'chart-box tall' }, canvas),
    table({
      caption: t('各区（县）三类名单笔数'),
      columns: [
        { label: t('区（县）'), cell: (r) => (r.name === r.code ? h('span', { class: 'mono' }, r.code) : r.name), rowHeader: true },
        { label: LIST_SHORT.eligible, cell: (r) => number(r.eligible), class: 'num' },
        { label: LIST_SHORT.to_verify, cell: (r) => number(r.to_verify), class: 'num' },
        { label: LIST_SHORT.lost, cell: (r) => number(r.lost), class: 'num' },
        { label: t('认证覆盖率'), cell: (r) => (r.total ? percent(r.eligible / r.total) : '—'), class: 'num' },
      ],
      rows,
      empty: t('您的管辖范围内暂无待遇记录'),
    }),
  );
  queueMicrotask(() => {
    if (!canvas.isConnected || !window.Chart) return;
    charts.push(
      new window.Chart(canvas, {
        type: 'bar',
        data: {
          labels: rows.map((r) => r.name),
          datasets: [
            { label: LIST_SHORT.eligible, data: rows.map((r) => r.eligible), backgroundColor: COLORS.green, maxBarThickness: 56 },
            { label: LIST_SHORT.to_verify, data: rows.map((r) => r.to_verify), backgroundColor: COLORS.amber, maxBarThickness: 56 },
            { label: LIST_SHORT.lost, data: rows.map((r) => r.lost), backgroundColor: COLORS.red, maxBarThickness: 56 },
          ],
        },
        options: {
          scales: { x: { stacked: true, grid: { display: false } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, padding: 12 } } },
        },
      }),
    );
  });
  return section;
}

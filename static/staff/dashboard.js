// 工作概览: the dashboard of the caller's scope, with Chart.js charts.

import { get, query } from './api.js';
import { h, clear, yuan, number, percent, problemBox, button, busy, table } from './ui.js';
import { LIST_SHORT, PAYMENT, channelName } from './labels.js';

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
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}：${summary}`, dataset: { testid: 'dashboard-chart' } }, summary);
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

function bar(labels, data, color, { horizontal = false, label = '数量' } = {}) {
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
    h('div', { class: 'page-head' }, h('h1', {}, '工作概览'), h('p', { class: 'muted' }, `统计日期 ${d.as_of ?? ''} · 本单位管辖范围内`)),
  );
  if (d.reassessment_pending > 0) {
    main.append(h('p', { class: 'notice warn' }, `另有 ${number(d.reassessment_pending)} 人的数据比对结果待下次定时任务更新，名单计数可能稍有滞后。`));
  }
  main.append(
    h(
      'section',
      { class: 'kpis', 'aria-label': '主要指标' },
      kpi('待遇笔数', number(d.benefits), '每人每险种一笔'),
      kpi('认证覆盖率', percent(coverage.share), `已认证 ${number(coverage.certified)} 笔`, 'good'),
      kpi('待核实', number(lists.to_verify ?? 0), LIST_SHORT.to_verify + '名单', lists.to_verify ? 'warn' : ''),
      kpi('丧失资格', number(lists.lost ?? 0), LIST_SHORT.lost + '名单', lists.lost ? 'bad' : ''),
      kpi('在办核实任务', number(openTasks), '按立案天数统计'),
      kpi('待追回金额', yuan(recovery.outstanding_fen ?? 0), `${number(recovery.cases ?? 0)} 件追回案件`, recovery.outstanding_fen ? 'bad' : ''),
    ),
  );

  const grid = h('div', { class: 'chart-grid' });
  main.append(grid);

  // Coverage: silent matching versus active certification.
  grid.append(
    chartCard(
      '认证覆盖：数据比对与主动认证',
      `数据比对视同认证 ${coverage.silent ?? 0} 笔，主动认证 ${coverage.active ?? 0} 笔，尚未认证 ${uncertified} 笔`,
      doughnut(['数据比对（静默认证）', '主动认证（刷脸、实地核实）', '尚未认证'], [coverage.silent ?? 0, coverage.active ?? 0, uncertified], [COLORS.teal, COLORS.blue, '#c7ccd3']),
    ),
  );

  const channels = Object.entries(coverage.by_channel ?? {})
    .filter(([code]) => code !== 'none')
    .sort((a, b) => b[1] - a[1]);
  grid.append(
    chartCard(
      '按认证渠道',
      channels.length ? channels.map(([c, n]) => `${channelName(c)} ${n} 笔`).join('，') : '本周期尚无认证记录',
      bar(channels.map(([c]) => channelName(c)), channels.map(([, n]) => n), COLORS.blue, { horizontal: true, label: '笔数' }),
    ),
  );

  const listOrder = ['eligible', 'to_verify', 'lost', 'unassessed'].filter((k) => k in lists || k !== 'unassessed');
  grid.append(
    chartCard(
      '三类名单',
      listOrder.map((k) => `${LIST_SHORT[k]} ${lists[k] ?? 0}`).join('，'),
      bar(listOrder.map((k) => LIST_SHORT[k]), listOrder.map((k) => lists[k] ?? 0), listOrder.map((k) => ({ eligible: COLORS.green, to_verify: COLORS.amber, lost: COLORS.red, unassessed: COLORS.grey })[k]), { label: '笔数' }),
      h('p', { class: 'card-links' }, h('a', { href: '#/lists/to_verify' }, '查看待核实名单'), ' · ', h('a', { href: '#/lists/lost' }, '查看丧失资格名单')),
    ),
  );

  const ages = ['0-5', '6-15', '16-30', '31+'];
  grid.append(
    chartCard(
      '核实任务积压（按立案天数）',
      ages.map((a) => `${a}天 ${backlog[a] ?? 0} 件`).join('，'),
      bar(ages.map((a) => `${a} 天`), ages.map((a) => backlog[a] ?? 0), [COLORS.sky, COLORS.blue, COLORS.amber, COLORS.red], { label: '任务数' }),
      ctx.can('workTasks') ? h('p', { class: 'card-links' }, h('a', { href: '#/tasks' }, '打开任务队列')) : null,
    ),
  );

  const states = ['active', 'suspended', 'terminated', 'restored'];
  grid.append(
    chartCard(
      '待遇发放状态',
      states.map((s) => `${PAYMENT[s]} ${payment[s] ?? 0}`).join('，'),
      doughnut(states.map((s) => PAYMENT[s]), states.map((s) => payment[s] ?? 0), [COLORS.green, COLORS.amber, COLORS.red, COLORS.sky]),
    ),
  );

  const recovered = Math.max(0, (recovery.amount_fen ?? 0) - (recovery.outstanding_fen ?? 0));
  grid.append(
    chartCard(
      '多领待遇追回',
      `${recovery.cases ?? 0} 件，应追回 ${yuan(recovery.amount_fen ?? 0)}，已追回 ${yuan(recovered)}，尚欠 ${yuan(recovery.outstanding_fen ?? 0)}`,
      {
        ...bar(['已追回', '尚欠'], [recovered / 100, (recovery.outstanding_fen ?? 0) / 100], [COLORS.green, COLORS.red], { horizontal: true, label: '金额（元）' }),
      },
      ctx.can('recover') ? h('p', { class: 'card-links' }, h('a', { href: '#/recoveries' }, '查看追回案件')) : null,
    ),
  );

  main.append(districtSection(ctx));
}

/**
 * Coverage by district: the dashboard does not break it down, so it is
 * counted from the lists' totals per place of insurance, on request.
 */
function districtSection(ctx) {
  const districts = (ctx.orgs ?? []).filter((o) => o.kind === 'district');
  const slot = h('div');
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'by-district' },
    h('h2', { id: 'by-district' }, '各区（县）认证情况'),
    h('p', { class: 'muted' }, '按参保地统计三类名单的笔数（逐区查询名单，需要几秒钟）。'),
    slot,
  );
  if (districts.length === 0) {
    slot.append(h('p', {}, '您的管辖范围内没有下级区（县）。'));
    return section;
  }
  const load = button('统计各区情况', async () => {
    await busy(load, async () => {
      clear(slot).append(h('p', { class: 'loading' }, '正在统计…'));
      try {
        const rows = [];
        for (const district of districts) {
          const code = district.division_code ?? district.id;
          const counts = {};
          for (const kind of ['eligible', 'to_verify', 'lost']) {
            counts[kind] = (await get(`/api/v1/lists/${kind}${query({ district: code, per_page: 1 })}`)).total ?? 0;
          }
          rows.push({ name: district.name, ...counts, total: counts.eligible + counts.to_verify + counts.lost });
        }
        clear(slot);
        const withData = rows.filter((r) => r.total > 0);
        const canvas = h('canvas', { role: 'img', 'aria-label': '各区三类名单笔数（堆叠柱状图），数字见下表', dataset: { testid: 'dashboard-chart' } });
        slot.append(h('div', { class: 'chart-box tall' }, canvas));
        charts.push(
          new window.Chart(canvas, {
            type: 'bar',
            data: {
              labels: withData.map((r) => r.name),
              datasets: [
                { label: LIST_SHORT.eligible, data: withData.map((r) => r.eligible), backgroundColor: COLORS.green },
                { label: LIST_SHORT.to_verify, data: withData.map((r) => r.to_verify), backgroundColor: COLORS.amber },
                { label: LIST_SHORT.lost, data: withData.map((r) => r.lost), backgroundColor: COLORS.red },
              ],
            },
            options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
          }),
        );
        slot.append(
          table({
            caption: '各区三类名单笔数',
            columns: [
              { label: '区（县）', cell: (r) => r.name, rowHeader: true },
              { label: '具备资格', cell: (r) => number(r.eligible), class: 'num' },
              { label: '待核实', cell: (r) => number(r.to_verify), class: 'num' },
              { label: '丧失资格', cell: (r) => number(r.lost), class: 'num' },
              { label: '认证覆盖率', cell: (r) => (r.total ? percent(r.eligible / r.total) : '—'), class: 'num' },
            ],
            rows,
          }),
        );
      } catch (error) {
        clear(slot).append(problemBox(error));
      }
    });
  });
  slot.append(load);
  return section;
}

// 按月归档 (R8.2): bind a district's month as one ZIP with a manifest of
// SHA-256 sums, list the archives, download them, verify them as stored or
// as a copy (read back from a disc), and the city's completeness grid of
// districts × months. Binding needs `file_archives`; auditors read and verify.

import { ApiError, get, post, upload, fetchBlob, query } from './api.js';
import { h, clear, table, field, select, badge, number, dateTime, problemBox, showError, success, announce, modal, busy, button, saveBlob, todayChina } from './ui.js';
import { ARCHIVE_STATUS } from './labels.js';
import { lang, localProblem, mark, t } from './i18n.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The colon before a figure, by language. */

export async function render(main, route, ctx) {
  const orgs = await ctx.loadOrgs();
  const districts = orgs.filter((o) => o.kind === 'district');
  const thisMonth = todayChina().slice(0, 7);
  const thisYear = Number(thisMonth.slice(0, 4));
  const params = route.params;
  const filters = { district: params.get('district') ?? '', month: params.get('month') ?? '' };
  const year = Math.min(thisYear, Math.max(2000, Number(params.get('year')) || thisYear));
  const mayBind = ctx.can('file_archives');
  const districtName = (id) => ctx.orgName(id);

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('按月归档')), h('p', { class: 'muted' }, t('各区（县）每月收到的信息、核实结果和证据文件装订为一卷（ZIP），附各文件SHA-256清单，可随时校验（R8.2）；装订、下载和校验均记录审计日志。'))),
  );
  const result = h('div', { 'aria-live': 'polite', dataset: { testid: 'archive-verify-result' } });
  const listSlot = h('div');
  const gridSlot = h('div');

  const reload = async () => {
    await Promise.all([loadList(), loadGrid()]);
  };

  /** Binds a district's month; shows the answer and reloads the list and grid. */
  const bind = async (district, month) => {
    clear(result);
    const r = await post('/api/v1/archives', { district, month });
    const text = t('已装订 {district} {month} 档案（第 {version} 版）：{records} 条记录，{files} 个文件。', { district: districtName(r.district), month: r.month, version: r.version, records: number(r.records), files: number(r.files) });
    result.append(success(text), h('p', { class: 'small muted' }, `SHA-256${mark.colon}`, h('code', { class: 'mono hash' }, r.sha256)));
    announce(text);
    await reload();
  };

  if (mayBind) {
    const preset = filters.district || (districts.length === 1 ? districts[0].id : '');
    const district = select('district', districts.map((o) => [o.id, o.name]), { value: preset, empty: t('请选择'), attrs: { required: true, dataset: { testid: 'archive-district' } } });
    const month = h('input', { type: 'month', name: 'month', value: thisMonth, max: thisMonth, min: '2000-01', pattern: '\\d{4}-\\d{2}', required: true, dataset: { testid: 'archive-month' } });
    const errors = h('div');
    const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'archive-bind' } }, t('装订'));
    const form = h(
      'form',
      { class: 'filters inline', novalidate: true },
      field(t('区（县）'), district),
      field(t('月份'), month, t('如 2026-11；不能是尚未到来的月份')),
      h('div', { class: 'filter-actions' }, submit),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clear(errors);
      const fail = (problem) => showError(errors, new ApiError(422, problem), form);
      if (!district.value) return fail(localProblem('请选择区（县）', {}, 'district'));
      if (!MONTH.test(month.value) || month.value > thisMonth) return fail(localProblem('请填写月份，如2026-11，不能晚于本月', {}, 'month'));
      await busy(submit, async () => {
        try {
          await bind(district.value, month.value);
        } catch (error) {
          showError(errors, error, form);
        }
      });
    });
    main.append(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'bind-title' },
        h('h2', { id: 'bind-title' }, t('装订月度档案')),
        h('p', { class: 'muted' }, t('同一月份再次装订生成新版本，旧版本保留。')),
        form,
        errors,
      ),
    );
  }
  main.append(result);

  // The archives, filtered by district and month.
  const filterDistrict = select('district', districts.map((o) => [o.id, o.name]), { value: filters.district, empty: t('全部') });
  const filterMonth = h('input', { type: 'month', name: 'month', value: filters.month, max: thisMonth, pattern: '\\d{4}-\\d{2}' });
  const filterForm = h(
    'form',
    { class: 'filters inline', 'aria-label': t('档案筛选条件') },
    field(t('区（县）'), filterDistrict),
    field(t('月份'), filterMonth, t('留空为全部月份')),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'secondary' }, t('查询')), h('a', { href: '#/archives', class: 'button-link' }, t('清除条件'))),
  );
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/archives${query({ district: filterDistrict.value, month: MONTH.test(filterMonth.value) ? filterMonth.value : '', year: year === thisYear ? '' : year })}`);
  });
  main.append(
    h('section', { class: 'card', 'aria-labelledby': 'archives-title' }, h('h2', { id: 'archives-title' }, t('已装订的档案')), filterForm, listSlot),
  );

  const loadList = async () => {
    let r;
    try {
      r = await get(`/api/v1/archives${query(filters)}`);
    } catch (error) {
      clear(listSlot).append(problemBox(error));
      return;
    }
    const items = r.items ?? [];
    const latest = new Map();
    for (const a of items) {
      const key = `${a.district}/${a.month}`;
      latest.set(key, Math.max(latest.get(key) ?? 0, a.version));
    }
    clear(listSlot).append(
      table({
        caption: filters.month
          ? t('档案（{district}，{month}，按月份倒序）', { district: filters.district ? districtName(filters.district) : t('全部区县'), month: filters.month })
          : t('档案（{district}，按月份倒序）', { district: filters.district ? districtName(filters.district) : t('全部区县') }),
        columns: [
          { label: t('区（县）/ 月份'), cell: (a) => h('span', {}, districtName(a.district), ' ', h('strong', {}, a.month)), rowHeader: true },
          { label: t('版本'), cell: (a) => [t('第 {version} 版', { version: a.version }), latest.get(`${a.district}/${a.month}`) === a.version ? [' ', badge(t('最新'), 'ok')] : null] },
          { label: t('装订时间'), class: 'date', cell: (a) => dateTime(a.created_at) },
          { label: t('记录'), class: 'num', cell: (a) => number(a.records) },
          { label: t('文件'), class: 'num', cell: (a) => number(a.files) },
          { label: t('大小'), class: 'num', cell: (a) => size(a.size) },
          { label: 'SHA-256', cell: (a) => h('code', { class: 'mono small', title: a.sha256 }, `${String(a.sha256).slice(0, 12)}…`) },
          {
            label: t('操作'),
            cell: (a) => {
              const name = t('{district} {month} 第{version}版', { district: districtName(a.district), month: a.month, version: a.version });
              const download = button(t('下载'), () => busy(download, () => downloadArchive(a, result)), { class: 'small secondary', 'aria-label': t('下载{name}', { name }), dataset: { testid: 'archive-download' } });
              const verify = button(t('校验'), () => busy(verify, () => verifyStored(a, name, result)), { class: 'small secondary', 'aria-label': t('校验{name}', { name }), dataset: { testid: 'archive-verify' } });
              return h(
                'div',
                { class: 'row-actions' },
                download,
                verify,
                button(t('校验副本'), () => verifyCopy(a, name, result), { class: 'small ghost', 'aria-label': t('校验{name}的副本', { name }), dataset: { testid: 'archive-verify-copy' } }),
              );
            },
          },
        ],
        rows: items,
        rowAttrs: (a) => ({ dataset: { testid: 'archive-row', archiveId: a.archive_id, district: a.district, month: a.month } }),
        empty: t('没有已装订的档案'),
      }),
    );
  };

  // The completeness grid of a year.
  const years = [];
  for (let y = thisYear; y >= Math.max(2000, thisYear - 9); y -= 1) years.push([String(y), t('{year}年', { year: y })]);
  const yearSelect = select('year', years, { value: String(year), attrs: { dataset: { testid: 'completeness-year' } } });
  const yearForm = h('form', { class: 'filters inline', 'aria-label': t('归档情况年份') }, field(t('年份'), yearSelect), h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'secondary' }, t('查看'))));
  yearForm.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/archives${query({ ...filters, year: Number(yearSelect.value) === thisYear ? '' : yearSelect.value })}`);
  });
  main.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'completeness-title' },
      h('h2', { id: 'completeness-title' }, t('归档完整情况')),
      h('p', { class: 'muted' }, t('各区（县）逐月是否已装订；装订后又收到记录的月份需重新装订。')),
      yearForm,
      legend(),
      gridSlot,
    ),
  );

  const loadGrid = async () => {
    let view;
    try {
      view = await get(`/api/v1/archives/completeness${query({ year })}`);
    } catch (error) {
      clear(gridSlot).append(problemBox(error));
      return;
    }
    const months = [...new Set((view.months ?? []).map((m) => m.month))].sort();
    const at = new Map((view.months ?? []).map((m) => [`${m.district}/${m.month}`, m]));
    const cell = (district, month) => {
      const m = at.get(`${district}/${month}`);
      if (!m) return '—';
      const [text, kind, about] = ARCHIVE_STATUS[m.status] ?? [m.status, '', ''];
      const detail = m.status === 'outdated' ? t('{about}（新增 {n} 条）', { about, n: m.records_after_binding }) : m.records ? t('{about}（{n} 条记录）', { about, n: m.records }) : about;
      const wrap = h('span', { class: 'grid-cell', title: detail, dataset: { testid: 'completeness-cell', district, month, status: m.status } }, badge(text, kind));
      if (m.latest_version) wrap.append(h('span', { class: 'small muted' }, ` v${m.latest_version}`));
      if (mayBind && (m.status === 'missing' || m.status === 'outdated')) {
        const again = button(m.status === 'outdated' ? t('重订') : t('装订'), () =>
          busy(again, async () => {
            try {
              await bind(district, month);
            } catch (error) {
              clear(result).append(problemBox(error));
            }
          }), { class: 'small ghost', 'aria-label': t('装订{district}{month}', { district: districtName(district), month }) });
        wrap.append(h('br'), again);
      }
      return wrap;
    };
    clear(gridSlot).append(
      h('p', { class: 'count', dataset: { testid: 'completeness-summary' } }, t('{year}年：', { year: view.year }), h('strong', {}, t('{n} 个区县月份待归档', { n: number(view.to_file ?? 0) })), t('（未归档或需重订）')),
      h(
        'div',
        { dataset: { testid: 'completeness-grid' } },
        table({
          caption: t('{year}年各区（县）按月归档情况', { year: view.year }),
          columns: [
            { label: t('区（县）'), cell: (d) => districtName(d), rowHeader: true },
            ...months.map((month) => ({ label: t('{month}月', { month: Number(month.slice(5)) }), class: 'grid', cell: (d) => cell(d, month) })),
          ],
          rows: view.districts ?? [],
          empty: t('没有可查看的区（县）'),
        }),
      ),
    );
  };

  await reload();
}

function legend() {
  return h(
    'ul',
    { class: 'legend', 'aria-label': t('图例') },
    Object.values(ARCHIVE_STATUS).map(([text, kind, about]) => h('li', {}, badge(text, kind), ' ', h('span', { class: 'small muted' }, about))),
  );
}

function size(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function downloadArchive(a, slot) {
  clear(slot);
  try {
    const blob = await fetchBlob(`/api/v1/archives/${encodeURIComponent(a.archive_id)}/download`, 'application/zip');
    const fileName = `zige-${a.district}-${a.month}-v${a.version}.zip`;
    saveBlob(blob, fileName);
    slot.append(h('p', { class: 'muted' }, t('已下载“{file}”（下载已记录审计日志）', { file: fileName })));
    announce(t('档案已下载'));
  } catch (error) {
    slot.append(problemBox(error));
  }
}

/**
 * A verification report: intact, or the problems found (the API's own words,
 * in English). `copy` is the name of the copy checked, or null for the
 * archive as stored.
 */
function report(slot, name, r, copy) {
  clear(slot);
  if (r.intact) {
    const said = { name, file: copy, n: number(r.files_checked) };
    const text = copy
      ? t('{name}的副本“{file}”完好：{n} 个文件与清单一致，SHA-256 与装订时记录一致。', said)
      : t('{name}（系统存档）完好：{n} 个文件与清单一致，SHA-256 与装订时记录一致。', said);
    slot.append(success(text));
    announce(text);
  } else {
    const problems = r.problems ?? [];
    const said = { name, file: copy, n: problems.length };
    const box = problemBox(
      new ApiError(
        422,
        copy
          ? localProblem('{name}的副本“{file}”已损坏或被改动：发现 {n} 处问题，请使用其他备份并报告。', said)
          : localProblem('{name}（系统存档）已损坏或被改动：发现 {n} 处问题，请使用其他备份并报告。', said),
      ),
    );
    box.append(h('ul', { class: 'problem-second', lang: 'en' }, problems.map((p) => h('li', {}, p))));
    slot.append(box);
  }
  slot.append(h('p', { class: 'small muted' }, t('所校验文件的SHA-256：'), h('code', { class: 'mono hash' }, r.sha256 ?? '—')));
}

async function verifyStored(a, name, slot) {
  clear(slot);
  try {
    const r = await get(`/api/v1/archives/${encodeURIComponent(a.archive_id)}/verify`);
    report(slot, name, r, null);
  } catch (error) {
    slot.append(problemBox(error));
  }
}

/** Checks a copy (a ZIP read back from a disc) against the archive's record. */
function verifyCopy(a, name, slot) {
  const { body, close } = modal(t('校验副本：{name}', { name }));
  const file = h('input', { type: 'file', name: 'copy', accept: '.zip,application/zip', required: true, dataset: { testid: 'archive-copy-file' } });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'archive-copy-submit' } }, t('校验'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('p', {}, t('选择从光盘或备份中读回的ZIP文件，逐一核对清单中的SHA-256，并与装订时记录的整卷SHA-256比对。')),
    field(t('档案副本（ZIP）'), file),
    errors,
    h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const chosen = file.files[0];
    if (!chosen) {
      showError(errors, new ApiError(422, localProblem('请选择档案副本文件', {}, 'copy')), form);
      return;
    }
    await busy(submit, async () => {
      try {
        const r = await upload('POST', `/api/v1/archives/${encodeURIComponent(a.archive_id)}/verify`, chosen, 'application/zip');
        close();
        report(slot, name, r, chosen.name);
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
  file.focus();
}

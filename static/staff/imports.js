// 数据导入: the roster of recipients (花名册, R3.1; `import_roster`) and
// files of partner records (R5.1, R5.2; `import_partner_records`) — CSV or
// JSON lines, stored whole, applied in resumable chunks, with progress and
// a result file of each row's outcome.

import { ApiError, get, post, upload, fetchBlob, query } from './api.js';
import { h, clear, table, field, select, badge, number, dateTime, problemBox, showError, success, announce, busy, button, saveBlob } from './ui.js';
import { IMPORT_OUTCOMES, IMPORT_STATUS, BENEFIT_DESIGNATIONS, label } from './labels.js';
import { listOf, localProblem, mark, pickName, t } from './i18n.js';

const ROSTER_MAX = 48 * 1024 * 1024;
const PARTNER_MAX = 32 * 1024 * 1024;

/** The punctuation set between names and figures, by language. */

export async function render(main, route, ctx) {
  const tabs = [
    ['roster', t('花名册'), ctx.can('import_roster')],
    ['partners', t('数据共享单位文件'), ctx.can('import_partner_records')],
  ].filter((tab) => tab[2]);
  const current = tabs.find((tab) => tab[0] === route.parts[0]) ?? tabs[0];
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('数据导入')), h('p', { class: 'muted' }, t('导入领取待遇人员花名册，或导入数据共享单位报送的文件；每行的结果都会列出。'))),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('导入类别') },
      tabs.map(([id, text]) => h('a', { href: `#/imports/${id}`, 'aria-current': id === current[0] ? 'page' : null, dataset: { testid: `imports-tab-${id}` } }, text)),
    ),
  );
  if (current[0] === 'partners') return partnerImports(main, route, ctx);
  return rosterImport(main, await get('/api/v1/roster/columns'));
}

// ----- the roster -----

/** The accepted names of each benefit type, as the domain lists them. */
function benefitNames() {
  return h(
    'ul',
    { class: 'columns-list' },
    BENEFIT_DESIGNATIONS.map((b) => h('li', {}, h('strong', {}, pickName(b)), t('（险种代码 {code}）：', { code: b.national_code }), listOf(b.designations.map((d) => d.text)))),
  );
}

function rosterImport(main, { columns }) {
  const file = h('input', { type: 'file', name: 'roster', accept: '.csv,text/csv', required: true, dataset: { testid: 'roster-file' } });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'roster-submit' } }, t('导入花名册'));
  const template = button(t('下载模板（CSV）'), () => {
    const header = columns.map((c) => c.names_zh[0]).join(',');
    saveBlob(new Blob([`\uFEFF${header}\r\n`], { type: 'text/csv;charset=utf-8' }), t('花名册模板.csv'));
    announce(t('已下载花名册模板'));
  }, { class: 'ghost' });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field(t('花名册文件（CSV）'), file, t('UTF-8（可带BOM）或GB18030/GBK编码；表头用中文列名或英文键名；不超过48 MB。已登记的人员按公民身份号码更新，变更前后的值都会保留。')),
    h(
      'details',
      {},
      h('summary', {}, t('列说明')),
      h(
        'ul',
        { class: 'columns-list' },
        columns.map((c) => h('li', {}, h('strong', {}, c.names_zh.join(' / ')), ' ', h('span', { class: 'mono small' }, c.key), ` ${c.required ? t('（必填）') : t('（选填）')}`)),
      ),
      h('p', { class: 'small muted' }, t('其他列（如序号、性别、出生日期）不读取，导入结果中列出。')),
    ),
    h('details', {}, h('summary', {}, t('待遇类型的写法')), benefitNames()),
    errors,
    h('div', { class: 'filter-actions' }, submit, template),
  );
  const result = h('div', { 'aria-live': 'polite', dataset: { testid: 'roster-result' } });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    clear(result);
    const chosen = file.files[0];
    const fail = (problem) => showError(errors, new ApiError(422, problem), form);
    if (!chosen) return fail(localProblem('请选择花名册文件', {}, 'roster'));
    if (chosen.size > ROSTER_MAX) return fail(localProblem('文件超过48 MB，请分批导入', {}, 'roster'));
    await busy(submit, async () => {
      try {
        const r = await upload('POST', '/api/v1/roster/imports', chosen, 'text/csv');
        rosterResult(result, r, `${mark.quote[0]}${chosen.name}${mark.quote[1]}`);
        form.reset();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  // An earlier import's result, by its number.
  const earlierId = h('input', { name: 'import_id', autocomplete: 'off', class: 'mono', pattern: '[A-Za-z0-9_-]{1,80}' });
  const lookupErrors = h('div');
  const lookup = h('form', { class: 'filters inline', 'aria-label': t('查看以前的导入结果') }, field(t('导入批次编号'), earlierId, t('导入完成时显示的编号')), h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'secondary' }, t('查看结果'))));
  lookup.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(lookupErrors);
    clear(result);
    const id = earlierId.value.trim();
    if (!id) {
      showError(lookupErrors, new ApiError(422, localProblem('请填写导入批次编号', {}, 'import_id')), lookup);
      return;
    }
    try {
      const r = await get(`/api/v1/roster/imports/${encodeURIComponent(id)}`);
      rosterResult(result, r, t('批次 {id}（{at}）', { id: r.import_id, at: dateTime(r.at) }));
    } catch (error) {
      showError(lookupErrors, error, lookup);
    }
  });
  main.append(
    h('section', { class: 'card', 'aria-labelledby': 'roster-title' }, h('h2', { id: 'roster-title' }, t('导入花名册')), form),
    result,
    h('details', { class: 'card' }, h('summary', {}, t('查看以前的导入结果')), lookup, lookupErrors),
  );
}

/** An import's result; `subject` names it (the file, or the batch and its time). */
function rosterResult(slot, r, subject) {
  const rejected = r.rejected ?? [];
  const text = t('{subject}导入完成：新增 {created} 人，更新 {updated} 人，未变 {unchanged} 人，拒收 {rejected} 行。', { subject, created: number(r.created), updated: number(r.updated), unchanged: number(r.unchanged), rejected: number(rejected.length) });
  slot.append(
    success(text),
    h('p', { class: 'small muted' }, t('导入批次 {id}；拒收的行未写入，请改正后重新导入（已导入的行再次导入不会重复）。行号即表格中的行号（表头为第1行）。', { id: r.import_id ?? '—' })),
    r.ignored_columns?.length ? h('p', { class: 'notice', dataset: { testid: 'roster-ignored' } }, t('未读取的列：{columns}', { columns: r.ignored_columns.join(mark.enumeration) })) : null,
    table({
      caption: t('拒收的行'),
      columns: [
        { label: t('行号'), class: 'num', cell: (x) => String(x.line), rowHeader: true },
        { label: t('原因'), cell: (x) => x.reason },
      ],
      rows: rejected,
      rowAttrs: () => ({ dataset: { testid: 'roster-rejected-row' } }),
      empty: t('没有拒收的行'),
    }),
  );
  announce(text);
}

// ----- partners' files -----

/** The content type of a partner file, from its name or type. */
function formatOf(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'text/csv';
  if (/\.(jsonl|ndjson|json)$/.test(name) || /json/.test(file.type)) return 'application/x-ndjson';
  return null;
}

async function partnerImports(main, route, ctx) {
  let partners = null;
  if (ctx.can('manage_partners')) {
    try {
      partners = ((await get('/api/v1/partners')).items ?? []).filter((p) => !p.disabled);
    } catch {
      partners = null;
    }
  }
  const partner = partners
    ? select('partner_id', partners.map((p) => [p.partner_id, `${p.name}${mark.open}${p.partner_id}${mark.close}`]), { empty: t('请选择'), attrs: { required: true, dataset: { testid: 'import-partner' } } })
    : h('input', { name: 'partner_id', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9._-]{2,40}', dataset: { testid: 'import-partner' } });
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.jsonl,.ndjson,text/csv,application/x-ndjson', required: true, dataset: { testid: 'import-file' } });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'import-submit' } }, t('上传并导入'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'filters inline' }, field(t('数据共享单位'), partner, partners ? null : t('填写单位编号（英文），如 civil-affairs'))),
    field(t('文件（CSV或JSON Lines）'), file, t('CSV须有 event_id、type、id_number、occurred_on 列（可选 name、reference，其余列作为明细如 source、mode）；或每行一条推送事件的JSON Lines。不超过32 MB；同一文件再次上传视为同一批次。')),
    errors,
    h('div', { class: 'filter-actions' }, submit),
  );
  const progress = h('div', { 'aria-live': 'polite', dataset: { testid: 'import-progress' } });
  const listSlot = h('div');
  const reloadList = async () => {
    clear(listSlot);
    try {
      const r = await get(`/api/v1/datashare/imports${query({ per_page: 20 })}`);
      listSlot.append(importTable(r.items ?? [], progress, reloadList));
    } catch (error) {
      listSlot.append(problemBox(error));
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const chosen = file.files[0];
    const fail = (problem) => showError(errors, new ApiError(422, problem), form);
    if (!partner.value.trim()) return fail(localProblem('请选择或填写数据共享单位', {}, 'partner_id'));
    if (!chosen) return fail(localProblem('请选择要导入的文件', {}, 'file'));
    const type = formatOf(chosen);
    if (!type) return fail(localProblem('只能导入CSV（.csv）或JSON Lines（.jsonl）文件', {}, 'file'));
    if (chosen.size > PARTNER_MAX) return fail(localProblem('文件超过32 MB，请拆分后上传', {}, 'file'));
    const started = Date.now();
    await busy(submit, async () => {
      try {
        const r = await upload('POST', `/api/v1/datashare/imports${query({ partner_id: partner.value.trim(), file_name: chosen.name })}`, chosen, type);
        const earlier = Date.parse(r.created_at) < started - 60_000;
        form.reset();
        await follow(progress, r, earlier ? t('同一文件此前已导入，以下是该批次的结果。') : null);
        await reloadList();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });

  main.append(
    h('section', { class: 'card', 'aria-labelledby': 'partner-import-title' }, h('h2', { id: 'partner-import-title' }, t('导入数据共享单位文件')), form),
    progress,
    h('section', { 'aria-labelledby': 'imports-title' }, h('h2', { id: 'imports-title' }, t('最近的导入批次')), listSlot),
  );
  await reloadList();
}

/** Shows an import's progress, resuming it chunk by chunk until it is done. */
async function follow(slot, imp, note) {
  let current = imp;
  const draw = () => {
    clear(slot).append(importCard(current, note));
  };
  draw();
  while (current.status === 'running' && slot.isConnected) {
    try {
      current = await post(`/api/v1/datashare/imports/${encodeURIComponent(current.id)}/resume`);
    } catch (error) {
      draw();
      slot.append(problemBox(error));
      return;
    }
    draw();
  }
  if (current.status === 'done') announce(t('“{file}”导入完成', { file: current.file_name }));
}

function countsText(c) {
  return Object.entries(IMPORT_OUTCOMES).map(([k, text]) => `${text} ${number(c?.[k] ?? 0)}`).join(mark.comma);
}

function importCard(imp, note) {
  const total = imp.total_rows ?? 0;
  const done = imp.status === 'done';
  const bar = h('progress', { max: String(Math.max(total, 1)), value: String(done ? Math.max(total, 1) : imp.processed ?? 0), 'aria-label': t('“{file}”导入进度', { file: imp.file_name }) });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `imp-${imp.id}`, dataset: { testid: 'import-card', status: imp.status } },
    h('h2', { id: `imp-${imp.id}` }, t('导入批次：{file}', { file: imp.file_name })),
    note ? h('p', { class: 'notice warn' }, note) : null,
    h('p', {}, badge(label(IMPORT_STATUS, imp.status), done ? 'ok' : 'warn'), ` ${t('已处理 {done} / {total} 行', { done: number(imp.processed), total: number(total) })}`),
    bar,
    h('p', { dataset: { testid: 'import-counts' } }, countsText(imp.counts)),
    done ? h('div', { class: 'action-bar' }, resultsButton(imp)) : h('p', { class: 'muted' }, t('正在分批处理，请勿关闭本页；中断后可在下方列表中“继续处理”。')),
  );
}

function resultsButton(imp) {
  const slot = h('span', { 'aria-live': 'polite' });
  const b = button(t('下载结果文件'), () =>
    busy(b, async () => {
      clear(slot);
      try {
        const blob = await fetchBlob(`/api/v1/datashare/imports/${encodeURIComponent(imp.id)}/results`, 'text/csv');
        const fileName = t('{name}-导入结果.csv', { name: imp.file_name.replace(/\.[^.]*$/, '') });
        saveBlob(blob, fileName);
        slot.append(h('span', { class: 'muted small' }, ` ${t('已下载“{file}”', { file: fileName })}`));
      } catch (error) {
        slot.append(problemBox(error));
      }
    }), { class: 'small secondary', 'aria-label': t('下载“{file}”的逐行结果', { file: imp.file_name }), dataset: { testid: 'import-results' } });
  return h('span', {}, b, slot);
}

function importTable(items, progress, reload) {
  return table({
    caption: t('最近20个导入批次（新的在前）'),
    columns: [
      { label: t('文件'), cell: (i) => h('span', {}, i.file_name, h('br'), h('span', { class: 'mono small muted' }, i.id)), rowHeader: true },
      { label: t('单位'), cell: (i) => h('span', { class: 'mono small' }, i.partner_id) },
      { label: t('上传时间'), class: 'date', cell: (i) => dateTime(i.created_at) },
      { label: t('状态'), cell: (i) => badge(label(IMPORT_STATUS, i.status), i.status === 'done' ? 'ok' : 'warn') },
      { label: t('行数'), class: 'num', cell: (i) => `${number(i.processed)} / ${number(i.total_rows)}` },
      { label: t('结果'), cell: (i) => h('span', { class: 'small' }, countsText(i.counts)) },
      {
        label: t('操作'),
        cell: (i) =>
          i.status === 'done'
            ? resultsButton(i)
            : button(t('继续处理'), async () => {
                await follow(progress, i, null);
                await reload();
              }, { class: 'small secondary', 'aria-label': t('继续处理“{file}”', { file: i.file_name }) }),
      },
    ],
    rows: items,
    rowAttrs: () => ({ dataset: { testid: 'import-row' } }),
    empty: t('尚无导入批次'),
  });
}

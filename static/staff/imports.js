// 数据导入: the roster of recipients (花名册, R3.1; `import_roster`) and
// files of partner records (R5.1, R5.2; `import_partner_records`) — CSV or
// JSON lines, stored whole, applied in resumable chunks, with progress and
// a result file of each row's outcome.

import { ApiError, get, post, upload, fetchBlob, query } from './api.js';
import { h, clear, table, field, select, badge, number, dateTime, problemBox, showError, success, announce, busy, button, saveBlob } from './ui.js';
import { IMPORT_OUTCOMES, IMPORT_STATUS, BENEFIT_DESIGNATIONS, label } from './labels.js';

const ROSTER_MAX = 48 * 1024 * 1024;
const PARTNER_MAX = 32 * 1024 * 1024;

export async function render(main, route, ctx) {
  const tabs = [
    ['roster', '花名册', ctx.can('import_roster')],
    ['partners', '数据共享单位文件', ctx.can('import_partner_records')],
  ].filter((t) => t[2]);
  const current = tabs.find((t) => t[0] === route.parts[0]) ?? tabs[0];
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, '数据导入'), h('p', { class: 'muted' }, '导入领取待遇人员花名册，或导入数据共享单位报送的文件；每行的结果都会列出。')),
    h(
      'nav',
      { class: 'tabs', 'aria-label': '导入类别' },
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
    BENEFIT_DESIGNATIONS.map((b) => h('li', {}, h('strong', {}, b.name_zh), `（险种代码 ${b.national_code}）：`, b.designations.map((d) => d.text).join('、'))),
  );
}

function rosterImport(main, { columns }) {
  const file = h('input', { type: 'file', name: 'roster', accept: '.csv,text/csv', required: true, dataset: { testid: 'roster-file' } });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'roster-submit' } }, '导入花名册');
  const template = button('下载模板（CSV）', () => {
    const header = columns.map((c) => c.names_zh[0]).join(',');
    saveBlob(new Blob([`\uFEFF${header}\r\n`], { type: 'text/csv;charset=utf-8' }), '花名册模板.csv');
    announce('已下载花名册模板');
  }, { class: 'ghost' });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field('花名册文件（CSV）', file, 'UTF-8（可带BOM）或GB18030/GBK编码；表头用中文列名或英文键名；不超过48 MB。已登记的人员按公民身份号码更新，变更前后的值都会保留。'),
    h(
      'details',
      {},
      h('summary', {}, '列说明'),
      h(
        'ul',
        { class: 'columns-list' },
        columns.map((c) => h('li', {}, h('strong', {}, c.names_zh.join(' / ')), ' ', h('span', { class: 'mono small' }, c.key), c.required ? ' （必填）' : ' （选填）')),
      ),
      h('p', { class: 'small muted' }, '其他列（如序号、性别、出生日期）不读取，导入结果中列出。'),
    ),
    h('details', {}, h('summary', {}, '待遇类型的写法'), benefitNames()),
    errors,
    h('div', { class: 'filter-actions' }, submit, template),
  );
  const result = h('div', { 'aria-live': 'polite', dataset: { testid: 'roster-result' } });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    clear(result);
    const chosen = file.files[0];
    const fail = (detail, detail_en) => showError(errors, new ApiError(422, { detail, detail_en, field: 'roster' }), form);
    if (!chosen) return fail('请选择花名册文件', 'Choose the roster file');
    if (chosen.size > ROSTER_MAX) return fail('文件超过48 MB，请分批导入', 'The file is larger than 48 MiB; import it in parts');
    await busy(submit, async () => {
      try {
        const r = await upload('POST', '/api/v1/roster/imports', chosen, 'text/csv');
        rosterResult(result, r, `“${chosen.name}”`);
        form.reset();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  // An earlier import's result, by its number.
  const earlierId = h('input', { name: 'import_id', autocomplete: 'off', class: 'mono', pattern: '[A-Za-z0-9_-]{1,80}' });
  const lookupErrors = h('div');
  const lookup = h('form', { class: 'filters inline', 'aria-label': '查看以前的导入结果' }, field('导入批次编号', earlierId, '导入完成时显示的编号'), h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'secondary' }, '查看结果')));
  lookup.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(lookupErrors);
    clear(result);
    const id = earlierId.value.trim();
    if (!id) {
      showError(lookupErrors, new ApiError(422, { detail: '请填写导入批次编号', detail_en: 'Enter the import number', field: 'import_id' }), lookup);
      return;
    }
    try {
      const r = await get(`/api/v1/roster/imports/${encodeURIComponent(id)}`);
      rosterResult(result, r, `批次 ${r.import_id}（${dateTime(r.at)}）`);
    } catch (error) {
      showError(lookupErrors, error, lookup);
    }
  });
  main.append(
    h('section', { class: 'card', 'aria-labelledby': 'roster-title' }, h('h2', { id: 'roster-title' }, '导入花名册'), form),
    result,
    h('details', { class: 'card' }, h('summary', {}, '查看以前的导入结果'), lookup, lookupErrors),
  );
}

function rosterResult(slot, r, fileName) {
  const rejected = r.rejected ?? [];
  const text = `${fileName}导入完成：新增 ${number(r.created)} 人，更新 ${number(r.updated)} 人，未变 ${number(r.unchanged)} 人，拒收 ${number(rejected.length)} 行。`;
  slot.append(
    success(text),
    h('p', { class: 'small muted' }, `导入批次 ${r.import_id ?? '—'}；拒收的行未写入，请改正后重新导入（已导入的行再次导入不会重复）。行号即表格中的行号（表头为第1行）。`),
    r.ignored_columns?.length ? h('p', { class: 'notice', dataset: { testid: 'roster-ignored' } }, `未读取的列：${r.ignored_columns.join('、')}`) : null,
    table({
      caption: '拒收的行',
      columns: [
        { label: '行号', class: 'num', cell: (x) => String(x.line), rowHeader: true },
        { label: '原因', cell: (x) => x.reason },
      ],
      rows: rejected,
      rowAttrs: () => ({ dataset: { testid: 'roster-rejected-row' } }),
      empty: '没有拒收的行',
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
    ? select('partner_id', partners.map((p) => [p.partner_id, `${p.name}（${p.partner_id}）`]), { empty: '请选择', attrs: { required: true, dataset: { testid: 'import-partner' } } })
    : h('input', { name: 'partner_id', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9._-]{2,40}', dataset: { testid: 'import-partner' } });
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.jsonl,.ndjson,text/csv,application/x-ndjson', required: true, dataset: { testid: 'import-file' } });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'import-submit' } }, '上传并导入');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'filters inline' }, field('数据共享单位', partner, partners ? null : '填写单位编号（英文），如 civil-affairs')),
    field('文件（CSV或JSON Lines）', file, 'CSV须有 event_id、type、id_number、occurred_on 列（可选 name、reference，其余列作为明细如 source、mode）；或每行一条推送事件的JSON Lines。不超过32 MB；同一文件再次上传视为同一批次。'),
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
    const fail = (detail, detail_en, name) => showError(errors, new ApiError(422, { detail, detail_en, field: name }), form);
    if (!partner.value.trim()) return fail('请选择或填写数据共享单位', 'Choose the partner', 'partner_id');
    if (!chosen) return fail('请选择要导入的文件', 'Choose the file to import', 'file');
    const type = formatOf(chosen);
    if (!type) return fail('只能导入CSV（.csv）或JSON Lines（.jsonl）文件', 'Import CSV (.csv) or JSON lines (.jsonl)', 'file');
    if (chosen.size > PARTNER_MAX) return fail('文件超过32 MB，请拆分后上传', 'The file is larger than 32 MiB; split it', 'file');
    const started = Date.now();
    await busy(submit, async () => {
      try {
        const r = await upload('POST', `/api/v1/datashare/imports${query({ partner_id: partner.value.trim(), file_name: chosen.name })}`, chosen, type);
        const earlier = Date.parse(r.created_at) < started - 60_000;
        form.reset();
        await follow(progress, r, earlier ? '同一文件此前已导入，以下是该批次的结果。' : null);
        await reloadList();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });

  main.append(
    h('section', { class: 'card', 'aria-labelledby': 'partner-import-title' }, h('h2', { id: 'partner-import-title' }, '导入数据共享单位文件'), form),
    progress,
    h('section', { 'aria-labelledby': 'imports-title' }, h('h2', { id: 'imports-title' }, '最近的导入批次'), listSlot),
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
  if (current.status === 'done') announce(`“${current.file_name}”导入完成`);
}

function countsText(c) {
  return Object.entries(IMPORT_OUTCOMES).map(([k, text]) => `${text} ${number(c?.[k] ?? 0)}`).join('，');
}

function importCard(imp, note) {
  const total = imp.total_rows ?? 0;
  const done = imp.status === 'done';
  const bar = h('progress', { max: String(Math.max(total, 1)), value: String(done ? Math.max(total, 1) : imp.processed ?? 0), 'aria-label': `“${imp.file_name}”导入进度` });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `imp-${imp.id}`, dataset: { testid: 'import-card', status: imp.status } },
    h('h2', { id: `imp-${imp.id}` }, `导入批次：${imp.file_name}`),
    note ? h('p', { class: 'notice warn' }, note) : null,
    h('p', {}, badge(label(IMPORT_STATUS, imp.status), done ? 'ok' : 'warn'), ` 已处理 ${number(imp.processed)} / ${number(total)} 行`),
    bar,
    h('p', { dataset: { testid: 'import-counts' } }, countsText(imp.counts)),
    done ? h('div', { class: 'action-bar' }, resultsButton(imp)) : h('p', { class: 'muted' }, '正在分批处理，请勿关闭本页；中断后可在下方列表中“继续处理”。'),
  );
}

function resultsButton(imp) {
  const slot = h('span', { 'aria-live': 'polite' });
  const b = button('下载结果文件', () =>
    busy(b, async () => {
      clear(slot);
      try {
        const blob = await fetchBlob(`/api/v1/datashare/imports/${encodeURIComponent(imp.id)}/results`, 'text/csv');
        const fileName = `${imp.file_name.replace(/\.[^.]*$/, '')}-导入结果.csv`;
        saveBlob(blob, fileName);
        slot.append(h('span', { class: 'muted small' }, ` 已下载“${fileName}”`));
      } catch (error) {
        slot.append(problemBox(error));
      }
    }), { class: 'small secondary', 'aria-label': `下载“${imp.file_name}”的逐行结果`, dataset: { testid: 'import-results' } });
  return h('span', {}, b, slot);
}

function importTable(items, progress, reload) {
  return table({
    caption: '最近20个导入批次（新的在前）',
    columns: [
      { label: '文件', cell: (i) => h('span', {}, i.file_name, h('br'), h('span', { class: 'mono small muted' }, i.id)), rowHeader: true },
      { label: '单位', cell: (i) => h('span', { class: 'mono small' }, i.partner_id) },
      { label: '上传时间', class: 'date', cell: (i) => dateTime(i.created_at) },
      { label: '状态', cell: (i) => badge(label(IMPORT_STATUS, i.status), i.status === 'done' ? 'ok' : 'warn') },
      { label: '行数', class: 'num', cell: (i) => `${number(i.processed)} / ${number(i.total_rows)}` },
      { label: '结果', cell: (i) => h('span', { class: 'small' }, countsText(i.counts)) },
      {
        label: '操作',
        cell: (i) =>
          i.status === 'done'
            ? resultsButton(i)
            : button('继续处理', async () => {
                await follow(progress, i, null);
                await reload();
              }, { class: 'small secondary', 'aria-label': `继续处理“${i.file_name}”` }),
      },
    ],
    rows: items,
    rowAttrs: () => ({ dataset: { testid: 'import-row' } }),
    empty: '尚无导入批次',
  });
}

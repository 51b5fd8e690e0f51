// 核实任务 (R6): dispatching the to-be-verified list (city staff), the queue
// of the staff member's organisation and below, passing tasks down, and
// recording a field outcome.

import { ApiError, get, post, query } from './api.js';
import { h, clear, table, field, select, badge, date, problemBox, showError, success, announce, modal, busy, button, todayChina, addDays, number, fetchInto, provisional } from './ui.js';
import { TASK_KINDS, OUTCOMES, CHANNELS, LOSS_CODES, EVIDENCE, BENEFIT_TYPES, lossOf, label } from './labels.js';
import { localProblem, mark, t } from './i18n.js';

const PER_PAGE = 50;

/** The punctuation set between names and figures, by language. */

/** The tabs of the task screens: the queue (open, closed) and the activity sign-in. */
export function taskTabs(current, kind = '') {
  return h(
    'nav',
    { class: 'tabs', 'aria-label': t('任务状态') },
    h('a', { href: `#/tasks${query({ kind })}`, 'aria-current': current === 'open' ? 'page' : null }, t('在办')),
    h('a', { href: `#/tasks${query({ status: 'closed', kind })}`, 'aria-current': current === 'closed' ? 'page' : null }, t('已办结')),
    h('a', { href: '#/tasks/sign-in', 'aria-current': current === 'sign-in' ? 'page' : null, dataset: { testid: 'tab-sign-in' } }, t('活动签到')),
  );
}

export async function render(main, route, ctx) {
  if (route.parts[0] === 'sign-in') return (await import('./signins.js')).render(main, route, ctx);
  const status = route.params.get('status') === 'closed' ? 'closed' : 'open';
  const kind = route.params.get('kind') ?? '';
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  await ctx.loadOrgs();

  main.append(h('div', { class: 'page-head' }, h('h1', {}, t('核实任务')), h('p', { class: 'muted' }, t('本单位及下级单位的核实任务，按立案时间排序；姓名、证件号已脱敏。'))));
  if (ctx.can('dispatch_verification')) main.append(dispatchCard(ctx));

  const confirmation = h('div', { class: 'confirmation', dataset: { testid: 'outcome-result' } });
  main.append(confirmation);

  const kindSelect = select('kind', Object.entries(TASK_KINDS), { value: kind, empty: t('全部类型') });
  const filter = h(
    'form',
    { class: 'filters inline', 'aria-label': t('任务筛选') },
    field(t('任务类型'), kindSelect),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'secondary' }, t('筛选'))),
  );
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/tasks${query({ status, kind: kindSelect.value })}`);
  });
  main.append(
    taskTabs(status, kind),
    filter,
  );

  const slot = h('div');
  main.append(slot);
  const load = async () => {
    const result = await fetchInto(slot, `/api/v1/tasks${query({ status, kind, page, per_page: PER_PAGE })}`);
    if (!result) return;
    const items = result.items ?? [];
    const today = todayChina();
    slot.append(
      table({
        caption: status === 'open' ? t('在办核实任务（第 {page} 页，{n} 件）', { page, n: items.length }) : t('已办结核实任务（第 {page} 页，{n} 件）', { page, n: items.length }),
        columns: [
          { label: t('人员'), cell: (task) => h('span', {}, task.person?.name ?? '—', h('br'), h('span', { class: 'mono small' }, task.person?.id_number_masked ?? '')), rowHeader: true },
          { label: t('任务类型'), cell: (task) => label(TASK_KINDS, task.kind) },
          { label: t('原因'), class: 'reasons', cell: (task) => task.reason },
          { label: t('承办单位'), cell: (task) => ctx.orgName(task.org_id) },
          { label: t('立案日期'), cell: (task) => date(task.opened_on) },
          {
            label: t('办理期限'),
            cell: (task) =>
              task.deadline
                ? [
                    date(task.deadline),
                    provisional(task.deadline_provisional),
                    task.status === 'open' && task.deadline < today ? [' ', badge(t('已超期'), 'bad')] : null,
                    task.escalated_on ? [' ', badge(t('已督办'), 'warn')] : null,
                  ]
                : '—',
          },
          { label: t('状态'), cell: (task) => (task.status === 'open' ? badge(t('在办'), 'warn') : badge(t('已办结 {date}', { date: date(task.closed_on) }), 'ok')) },
          {
            label: t('操作'),
            cell: (task) =>
              task.status === 'open'
                ? h(
                    'div',
                    { class: 'row-actions' },
                    button(t('登记结果'), () => outcomeDialog(task, ctx, confirmation, load), { class: 'small primary', dataset: { testid: 'record-outcome' }, 'aria-label': t('为{name}登记核实结果', { name: task.person?.name ?? '' }) }),
                    button(t('下派'), () => assignDialog(task, ctx, confirmation, load), { class: 'small secondary', 'aria-label': t('下派{name}的任务', { name: task.person?.name ?? '' }) }),
                    h('a', { href: `#/persons/${encodeURIComponent(task.person?.person_id ?? '')}`, class: 'row-action' }, t('档案'), h('span', { class: 'visually-hidden' }, `${mark.colon}${task.person?.name ?? ''}`)),
                  )
                : h('a', { href: `#/persons/${encodeURIComponent(task.person?.person_id ?? '')}`, class: 'row-action' }, t('档案'), h('span', { class: 'visually-hidden' }, `${mark.colon}${task.person?.name ?? ''}`)),
          },
        ],
        rows: items,
        rowAttrs: (task) => ({ dataset: { testid: 'task-row', taskId: task.task_id } }),
        empty: status === 'open' ? t('没有在办任务') : t('没有已办结任务'),
      }),
    );
    const nav = h('nav', { class: 'pager', 'aria-label': t('翻页') });
    if (page > 1) nav.append(h('a', { href: `#/tasks${query({ status, kind, page: page - 1 })}`, class: 'button-link' }, t('上一页')));
    if (items.length === PER_PAGE) nav.append(h('a', { href: `#/tasks${query({ status, kind, page: page + 1 })}`, class: 'button-link' }, t('下一页')));
    if (nav.childElementCount) slot.append(nav);
  };
  await load();
}

/** City staff: set a deadline and dispatch the to-be-verified list (R6.1). */
function dispatchCard(ctx) {
  const deadline = h('input', { type: 'date', name: 'deadline', required: true, min: addDays(todayChina(), 1), value: addDays(todayChina(), 15), dataset: { testid: 'dispatch-deadline' } });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'dispatch-submit' } }, t('下发待核实名单'));
  const result = h('div', { dataset: { testid: 'dispatch-result' }, 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'dispatch-form' },
    field(t('核实截止日期'), deadline, t('按居住地或参保地（R2.2）分派到负责单位；已有在办任务的人员不重复下发。')),
    h('div', { class: 'filter-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result);
    await busy(submit, async () => {
      try {
        const r = await post('/api/v1/tasks/dispatch', { deadline: deadline.value });
        const orgs = Object.entries(r.by_org ?? {});
        result.append(
          success(
            h('span', {}, h('strong', {}, t('已下发 {n} 人', { n: number(r.dispatched) })), t('，另有 {n} 人已有在办任务，核实截止日期 {deadline}。', { n: number(r.already_open), deadline: r.deadline }),
              orgs.length ? ` ${t('分派：{orgs}。', { orgs: orgs.map(([o, n]) => t('{org} {n} 人', { org: ctx.orgName(o), n })).join(mark.comma) })}` : ''),
          ),
        );
        announce(t('已下发 {n} 人', { n: r.dispatched }));
      } catch (error) {
        showError(result, error, form);
      }
    });
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'dispatch-title' },
    h('h2', { id: 'dispatch-title' }, t('下发待核实名单（R6.1）')),
    h('p', { class: 'muted' }, t('市级经办机构确定核实期限，将待核实人员名单逐人下发给所在社区、参保地区（县）或所在单位。')),
    form,
    result,
  );
}

/** The files an outcome may carry (R6.2, R6.4): type → name, at most five of 5 MiB each. */
const FILE_TYPES = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'image/webp': ['.webp'],
  'video/mp4': ['.mp4'],
  'application/pdf': ['.pdf'],
  'text/csv': ['.csv'],
};
const MAX_FILES = 5;
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** A file's content type: the browser's, or from its extension (CSV often has none). */
function fileType(file) {
  if (FILE_TYPES[file.type]) return file.type;
  const name = file.name.toLowerCase();
  if (file.type === 'application/vnd.ms-excel' && name.endsWith('.csv')) return 'text/csv';
  if (file.type) return file.type;
  return Object.keys(FILE_TYPES).find((type) => FILE_TYPES[type].some((ext) => name.endsWith(ext))) ?? '';
}

function sizeText(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** What is wrong with the chosen files, as a problem (the current language, English), or null. */
export function filesProblem(files) {
  if (files.length > MAX_FILES) {
    return localProblem('最多上传{max}个文件，您选择了{n}个', { max: MAX_FILES, n: files.length }, 'files');
  }
  for (const file of files) {
    if (!FILE_TYPES[fileType(file)]) {
      return localProblem('“{name}”的格式不支持，请上传JPG、PNG、WebP照片，MP4视频，PDF或CSV文件', { name: file.name }, 'files');
    }
    if (file.size > MAX_FILE_BYTES) {
      return localProblem('“{name}”为{size}，超过5 MB，请压缩后再上传', { name: file.name, size: sizeText(file.size) }, 'files');
    }
    if (file.size === 0) {
      return localProblem('“{name}”是空文件', { name: file.name }, 'files');
    }
  }
  return null;
}

/** A file's bytes in base64, read in chunks (btoa takes a binary string). */
async function base64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The chosen files as the API takes them. */
export function uploads(files) {
  return Promise.all(files.map(async (f) => ({ file_name: f.name, content_type: fileType(f), data_base64: await base64(f) })));
}

/** Whether a photo or video of the person is among the files (R6.2). */
export function pictured(files) {
  return files.some((f) => /^(image|video)\//.test(fileType(f)));
}

/** The problem of an "eligible" without a photo or video of the person (R6.2). */
export const NEEDS_PICTURE = localProblem('核实为符合条件的，须上传本人照片或视频（R6.2）', {}, 'files');

/** A file input for an outcome's files, with its list and problems shown as the clerk chooses. */
export function fileChooser(testid) {
  const input = h('input', { type: 'file', name: 'files', multiple: true, accept: Object.entries(FILE_TYPES).flat(2).join(','), dataset: { testid } });
  const status = h('div', { class: 'file-status', 'aria-live': 'polite' });
  input.addEventListener('change', () => {
    clear(status);
    input.removeAttribute('aria-invalid');
    const files = [...input.files];
    const problem = filesProblem(files);
    if (problem) {
      input.setAttribute('aria-invalid', 'true');
      status.append(problemBox(new ApiError(422, problem)));
    } else if (files.length) {
      status.append(h('ul', { class: 'file-list' }, files.map((f) => h('li', {}, `${f.name}${mark.open}${sizeText(f.size)}${mark.close}`))));
    }
  });
  return { input, status };
}

/**
 * Records a field outcome (R6.6): eligible, not eligible with reason and
 * loss date, unreachable; with photos, videos or sheets as files (R6.2,
 * R6.4). A home visit's outcome goes to the visit itself (channel fixed).
 */
export function outcomeDialog(task, ctx, confirmation, reload, { channel = 'window', path = null, fixedChannel = false } = {}) {
  const { body, close } = modal(t('登记核实结果：{name}', { name: task.person?.name ?? '' }));
  const errors = h('div');
  const radios = Object.entries(OUTCOMES).map(([value, text], i) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'outcome', value, checked: i === 0, dataset: { testid: `outcome-${value}` } }), ' ', text),
  );
  const lossFields = h(
    'div',
    { class: 'loss-fields', hidden: true },
    field(t('丧失资格原因'), select('loss', LOSS_CODES.map((c) => [c, `${EVIDENCE[c][0]}${mark.open}${EVIDENCE[c][1]}${mark.close}`]), { empty: t('请选择') })),
    field(t('丧失资格日期'), h('input', { type: 'date', name: 'loss_date', max: todayChina() })),
  );
  // "Eligible" about one benefit alone (a dependant who has not remarried)
  // lifts every loss of that benefit; without it, only person-wide ones.
  const benefitChoice = h('select', { name: 'benefit_id', dataset: { testid: 'outcome-benefit' } }, h('option', { value: '' }, t('本人全部待遇（本人健在、具备资格）')));
  const benefitField = h('div', { hidden: true }, field(t('核实的待遇'), benefitChoice, t('如只核实某一项待遇的条件（如供养亲属未再婚），请选择该项待遇（R5.7、R5.8）。')));
  if (task.person?.person_id) {
    get(`/api/v1/persons/${encodeURIComponent(task.person.person_id)}`)
      .then((d) => {
        const benefits = d.benefits ?? [];
        benefitChoice.append(...benefits.map((b) => h('option', { value: b.benefit_id }, t('仅{benefit}', { benefit: label(BENEFIT_TYPES, b.benefit_type) }))));
        benefitField.dataset.choices = String(benefits.length);
        benefitField.hidden = benefits.length < 2 || form.elements.outcome.value !== 'eligible';
      })
      .catch(() => {});
  }
  const { input: fileInput, status: fileStatus } = fileChooser('outcome-files');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'outcome-submit' } }, t('提交结果'));
  const form = h(
    'form',
    { class: 'stack' },
    h('fieldset', {}, h('legend', {}, t('核实结果')), h('div', { class: 'choices' }, radios)),
    fixedChannel
      ? h('p', {}, h('strong', {}, t('核实渠道：')), label(CHANNELS, channel))
      : field(t('核实渠道'), select('channel', Object.entries(CHANNELS), { value: channel, attrs: { dataset: { testid: 'outcome-channel' } } })),
    lossFields,
    benefitField,
    field(t('说明'), h('textarea', { name: 'note', rows: 3, maxlength: 500 }), t('最多500字。')),
    field(t('照片、视频等佐证材料'), fileInput, t('核实为符合条件的，须上传本人照片或视频（R6.2）；签到表等也可附上。JPG、PNG、WebP、MP4、PDF或CSV，最多5个，每个不超过5 MB（R6.4）。')),
    fileStatus,
    errors,
    h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit),
  );
  form.addEventListener('change', () => {
    lossFields.hidden = form.elements.outcome.value !== 'not_eligible';
    benefitField.hidden = Number(benefitField.dataset.choices ?? 0) < 2 || form.elements.outcome.value !== 'eligible';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const data = new FormData(form);
    const outcome = data.get('outcome');
    const payload = { outcome, channel: fixedChannel ? channel : data.get('channel') };
    const note = String(data.get('note') ?? '').trim();
    if (note) payload.note = note;
    if (outcome === 'eligible' && data.get('benefit_id')) payload.benefit_id = data.get('benefit_id');
    if (outcome === 'not_eligible') {
      if (data.get('loss')) payload.loss = lossOf(String(data.get('loss')));
      if (data.get('loss_date')) payload.loss_date = data.get('loss_date');
    }
    const files = [...fileInput.files];
    const problem = filesProblem(files) ?? (outcome === 'eligible' && !pictured(files) ? NEEDS_PICTURE : null);
    if (problem) {
      showError(errors, new ApiError(422, problem), form);
      return;
    }
    await busy(submit, async () => {
      try {
        if (files.length) {
          announce(t('正在读取文件…'));
          payload.files = await uploads(files);
        }
        const target = path ?? `/api/v1/tasks/${encodeURIComponent(task.task_id)}/outcome`;
        const r = await post(target, payload);
        close();
        const said = { name: task.person?.name ?? '', outcome: OUTCOMES[outcome], files: r.files };
        let text;
        if (r.pending_review) {
          text = r.files ? t('已登记 {name} 的核实结果“{outcome}”，附佐证材料 {files} 个，待市级复核后生效（R7.1）。', said) : t('已登记 {name} 的核实结果“{outcome}”，待市级复核后生效（R7.1）。', said);
        } else if (path) {
          text = r.files ? t('已登记 {name} 的核实结果“{outcome}”，附佐证材料 {files} 个，已生效，上门服务已办结。', said) : t('已登记 {name} 的核实结果“{outcome}”，已生效，上门服务已办结。', said);
        } else {
          text = r.files ? t('已登记 {name} 的核实结果“{outcome}”，附佐证材料 {files} 个，已生效，任务已办结。', said) : t('已登记 {name} 的核实结果“{outcome}”，已生效，任务已办结。', said);
        }
        clear(confirmation).append(success(text));
        announce(text);
        confirmation.scrollIntoView({ block: 'nearest' });
        await reload();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  if (task.reason) body.append(h('p', { class: 'muted' }, task.reason));
  body.append(form);
  form.querySelector('input[name="outcome"]').focus();
}

/** Passes a task down to an organisation below, or back up (R6.1). */
function assignDialog(task, ctx, confirmation, reload) {
  const orgs = ctx.orgs ?? [];
  const below = [];
  const walk = (parent, depth) => {
    for (const o of orgs.filter((x) => x.parent_id === parent)) {
      below.push([o.id, `${mark.indent.repeat(depth)}${o.name}`]);
      walk(o.id, depth + 1);
    }
  };
  walk(task.org_id, 0);
  const current = orgs.find((o) => o.id === task.org_id);
  const options = [...below];
  if (current?.parent_id) options.push([current.parent_id, t('退回上级：{org}', { org: ctx.orgName(current.parent_id) })]);
  const { body, close } = modal(t('下派任务：{name}', { name: task.person?.name ?? '' }));
  const errors = h('div');
  const target = select('org_id', options, { empty: options.length ? t('请选择单位') : t('没有可下派的下级单位') });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('确定'));
  const form = h('form', { class: 'stack' }, h('p', {}, t('当前承办单位：{org}', { org: ctx.orgName(task.org_id) })), field(t('下派至'), target), errors, h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    await busy(submit, async () => {
      try {
        await post(`/api/v1/tasks/${encodeURIComponent(task.task_id)}/assignment`, { org_id: target.value });
        close();
        const text = t('已将 {name} 的任务交由 {org} 办理。', { name: task.person?.name ?? '', org: ctx.orgName(target.value) });
        clear(confirmation).append(success(text));
        announce(text);
        await reload();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
  target.focus();
}

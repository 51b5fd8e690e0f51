// 活动签到 (R5.5-3, R6.4): a social-management activity's sign-in sheet
// certifies every listed person in scope at once; each line's result is
// shown. The sheet is a CSV with a 公民身份号码 (id_number) column, uploaded
// or pasted (a bare list of ID numbers, one a line, is accepted too).

import { ApiError, post, postText, query } from './api.js';
import { listOf, localProblem, t, verbatim } from './i18n.js';
import { h, clear, table, field, badge, number, showError, success, announce, busy, todayChina } from './ui.js';
import { taskTabs, fileChooser, filesProblem, uploads } from './tasks.js';

const MAX_SHEET_BYTES = 4 * 1024 * 1024;
const RESULTS = {
  certified: [t('已认证'), 'ok'],
  to_verify: [t('已安排核实'), 'warn'],
  ignored: [t('备注不作为认证依据'), ''],
  unknown: [t('未找到或不在本单位服务范围'), 'warn'],
  rejected: [t('证件号码有误'), 'bad'],
};
// The sheet's Chinese name of the ID-number column: data the API reads.
const ID_COLUMN_ZH = verbatim('公民身份号码');

/** Whether the first line names the ID-number column. */
function hasHeader(text) {
  const first = (text.split(/\r?\n/, 1)[0] ?? '').split(',').map((c) => c.trim());
  return first.includes('id_number') || first.includes(ID_COLUMN_ZH);
}

export async function render(main) {
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('核实任务 · 活动签到')), h('p', { class: 'muted' }, t('组织参加社会化管理服务活动的人员，凭签到表视同完成本周期认证（R5.5-3、R6.4）；只认证本单位服务范围内的人员。'))),
    taskTabs('sign-in'),
  );

  const activity = h('input', { name: 'activity', required: true, maxlength: 100, autocomplete: 'off', dataset: { testid: 'sign-in-activity' } });
  const heldOn = h('input', { type: 'date', name: 'held_on', required: true, max: todayChina(), value: todayChina(), dataset: { testid: 'sign-in-date' } });
  const file = h('input', { type: 'file', name: 'sheet', accept: '.csv,text/csv', dataset: { testid: 'sign-in-file' } });
  const paste = h('textarea', { name: 'paste', rows: 8, spellcheck: 'false', class: 'mono', dataset: { testid: 'sign-in-paste' } });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'sign-in-submit' } }, t('提交签到表'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'filters inline' }, field(t('活动名称'), activity, t('如“重阳节座谈会”，最多100字')), field(t('活动日期'), heldOn, t('不晚于今天'))),
    field(t('上传签到表（CSV）'), file, t('须有“公民身份号码”或 id_number 列，UTF-8 编码，不超过4 MB。')),
    field(t('或粘贴签到名单'), paste, t('可直接粘贴CSV，或每行一个18位公民身份号码；选择了文件时以文件为准。')),
    errors,
    h('div', { class: 'filter-actions' }, submit),
  );
  const result = h('div', { dataset: { testid: 'sign-in-result' }, 'aria-live': 'polite' });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    clear(result);
    const fail = (problem) => showError(errors, new ApiError(422, problem), form);
    if (!activity.value.trim()) return fail(localProblem('请填写活动名称', {}, 'activity'));
    if (!heldOn.value || heldOn.value > todayChina()) return fail(localProblem('请填写活动日期（不晚于今天）', {}, 'held_on'));
    const chosen = file.files[0];
    if (chosen && chosen.size > MAX_SHEET_BYTES) return fail(localProblem('签到表超过4 MB，请分批提交', {}, 'sheet'));
    await busy(submit, async () => {
      let text = chosen ? await chosen.text() : paste.value;
      text = text.replace(/^\uFEFF/, '').trim();
      if (!text) {
        fail(localProblem('请上传签到表或粘贴签到名单', {}, chosen ? 'sheet' : 'paste'));
        return;
      }
      const headed = hasHeader(text);
      if (!headed) text = `${ID_COLUMN_ZH}\n${text}`;
      if (new Blob([text]).size > MAX_SHEET_BYTES) {
        fail(localProblem('签到名单超过4 MB，请分批提交', {}, chosen ? 'sheet' : 'paste'));
        return;
      }
      try {
        const r = await postText(`/api/v1/sign-ins${query({ activity: activity.value.trim(), held_on: heldOn.value })}`, `${text}\n`);
        showResults(result, r, headed ? 0 : 1);
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });

  main.append(h('section', { class: 'card', 'aria-labelledby': 'sign-in-title' }, h('h2', { id: 'sign-in-title' }, t('登记活动签到')), form), result);
  main.append(...surveyCard());
  activity.focus();
}

/**
 * A universal-enrolment household survey (R6.5): the remarks column (备注)
 * certifies those seen and opens a verification for those said to have
 * died; other columns are ignored and the answer names them.
 */
function surveyCard() {
  const surveyedOn = h('input', { type: 'date', name: 'surveyed_on', required: true, max: todayChina(), value: todayChina(), dataset: { testid: 'survey-date' } });
  const file = h('input', { type: 'file', name: 'survey', accept: '.csv,text/csv', required: true, dataset: { testid: 'survey-file' } });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'survey-submit' } }, t('导入调查表'));
  const result = h('div', { dataset: { testid: 'survey-result' }, 'aria-live': 'polite' });
  const form = h('form', { class: 'stack', novalidate: true },
    field(t('调查日期'), surveyedOn),
    field(t('调查表（CSV）'), file, t('《全民参保登记个人信息汇总表》：须有“公民身份号码”和“备注”两列；备注写明见到本人的视同认证，写明死亡的安排核实（R6.5）。')),
    errors, h('div', { class: 'filter-actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    clear(result);
    const chosen = file.files[0];
    const fail = (problem) => showError(errors, new ApiError(422, problem), form);
    if (!chosen) return fail(localProblem('请选择调查表', {}, 'survey'));
    if (chosen.size > MAX_SHEET_BYTES) return fail(localProblem('调查表超过4 MB，请分批导入', {}, 'survey'));
    await busy(submit, async () => {
      try {
        const text = (await chosen.text()).replace(/^\uFEFF/, '').trim();
        const r = await postText(`/api/v1/surveys${query({ surveyed_on: surveyedOn.value })}`, `${text}\n`);
        const rows = r.results ?? [];
        const count = (o) => rows.filter((x) => x.outcome === o).length;
        const vars = { date: r.surveyed_on, rows: number(rows.length), certified: number(count('certified')), verify: number(count('to_verify')), ignored: number(count('ignored')) };
        const summary = (r.columns_ignored ?? []).length
          ? t('调查表（{date}）：共 {rows} 行，视同认证 {certified} 人，安排核实 {verify} 人，备注不作为依据 {ignored} 行；未使用的列：{columns}。', { ...vars, columns: listOf(r.columns_ignored) })
          : t('调查表（{date}）：共 {rows} 行，视同认证 {certified} 人，安排核实 {verify} 人，备注不作为依据 {ignored} 行。', vars);
        result.append(success(summary), table({
          caption: t('调查表逐行结果'),
          columns: [
            { label: t('行号'), cell: (x) => String(x.line), class: 'num', rowHeader: true },
            { label: t('公民身份号码'), cell: (x) => h('span', { class: 'mono' }, x.id_number_masked ?? '—') },
            { label: t('结果'), cell: (x) => badge(...(RESULTS[x.outcome] ?? [x.outcome, ''])) },
            { label: t('说明'), cell: (x) => x.reason || '—' },
          ],
          rows,
          rowAttrs: (x) => ({ dataset: { testid: 'survey-row', outcome: x.outcome } }),
        }));
        announce(summary);
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  return [h('section', { class: 'card', 'aria-labelledby': 'survey-title' }, h('h2', { id: 'survey-title' }, t('导入全民参保登记调查表')), form), result];
}

/** Each line's result; `shift` maps the sheet's lines back to the pasted ones. */
function showResults(slot, r, shift) {
  const rows = r.results ?? [];
  const count = (o) => rows.filter((x) => x.outcome === o).length;
  const text = t('“{activity}”（{date}）：共 {rows} 行，已认证 {certified} 人，未找到或不在服务范围 {unknown} 行，号码有误 {rejected} 行。', {
    activity: r.activity,
    date: r.held_on,
    rows: number(rows.length),
    certified: number(count('certified')),
    unknown: number(count('unknown')),
    rejected: number(count('rejected')),
  });
  slot.append(
    success(text),
    table({
      caption: t('签到表逐行结果'),
      columns: [
        { label: t('行号'), cell: (x) => String(x.line - shift), class: 'num', rowHeader: true },
        { label: t('公民身份号码'), cell: (x) => h('span', { class: 'mono' }, x.id_number_masked ?? '—') },
        { label: t('结果'), cell: (x) => badge(...(RESULTS[x.outcome] ?? [x.outcome, ''])) },
        { label: t('说明'), cell: (x) => x.reason || (x.outcome === 'certified' ? t('视同本周期认证合格（R5.5-3）') : '—') },
      ],
      rows,
      rowAttrs: (x) => ({ dataset: { testid: 'sign-in-row', outcome: x.outcome } }),
      empty: t('签到表中没有名单行'),
    }),
    photosForm(r.sign_in_id),
  );
  announce(text);
}

/** The activity's photos, kept with its sheet for the archive (R6.4, R8.2). */
function photosForm(signInId) {
  const { input, status } = fileChooser('sign-in-photos');
  const errors = h('div');
  const done = h('div', { 'aria-live': 'polite', dataset: { testid: 'sign-in-photos-result' } });
  const submit = h('button', { type: 'submit', class: 'secondary' }, t('上传活动照片'));
  const form = h('form', { class: 'stack', novalidate: true },
    field(t('活动照片'), input, t('签到表已随本次签到保存；请上传活动现场照片，一并归档（R6.4）。JPG、PNG或WebP，最多5个。')),
    status, errors, h('div', { class: 'filter-actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    clear(done);
    const files = [...input.files];
    const problem = files.length ? filesProblem(files) : localProblem('请选择活动照片', {}, 'files');
    if (problem) return showError(errors, new ApiError(422, problem), form);
    await busy(submit, async () => {
      try {
        const r = await post(`/api/v1/sign-ins/${encodeURIComponent(signInId)}/files`, { files: await uploads(files) });
        done.append(success(t('已保存活动照片，本次签到共 {n} 张。', { n: number(r.files) })));
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  return h('section', { class: 'card', 'aria-label': t('活动照片') }, form, done);
}

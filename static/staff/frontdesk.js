// 前台代办 (R5.5, R6.2, R6.3, R7.2): what staff record in the dossier for a
// person who comes to the window, phones, writes or sends a relative — an
// objection to a suspension, a home-visit request, a certification at the
// window or by video — and the requests on file with how each came.

import { ApiError, post } from './api.js';
import { h, field, select, button, actionDialog, table, date, todayChina, addDays } from './ui.js';
import { BENEFIT_TYPES, FAMILY_RELATIONS, RELATIVES, REQUEST_CHANNELS, VISIT_REASONS, HOME_VISIT_STATUS, label } from './labels.js';
import { fileChooser, filesProblem, pictured, uploads, NEEDS_PICTURE } from './tasks.js';
import { localProblem, t } from './i18n.js';

const STAFF_CHANNELS = Object.entries(REQUEST_CHANNELS).filter(([code]) => code !== 'online');
/** The family relations as select options (filled once the codes are loaded). */
const family = () => FAMILY_RELATIONS.map((code) => [code, RELATIVES[code]]);

/** The dossier's front-desk card: the actions, then the requests on file. */
export function frontDeskSection(id, d, ctx, refresh) {
  const name = d.person.name;
  const suspended = (d.benefits ?? []).filter((b) => b.payment_status === 'suspended');
  const actions = ctx.can('work_tasks')
    ? h(
        'div',
        { class: 'action-bar benefit-actions' },
        button(t('窗口或视频认证'), () => certificationDialog(id, name, refresh), { class: 'small primary', dataset: { testid: 'desk-certify' } }),
        suspended.length ? button(t('代为提出异议'), () => objectionDialog(id, name, suspended, refresh), { class: 'small secondary', dataset: { testid: 'desk-objection' } }) : null,
        button(t('登记上门服务申请'), () => visitDialog(id, name, refresh), { class: 'small secondary', dataset: { testid: 'desk-home-visit' } }),
      )
    : null;
  const requests = [
    ...(d.requests?.objections ?? []).map((r) => ({ ...r, what: t('对暂停发放{benefit}提出异议', { benefit: benefitName(d, r.benefit_id) }) })),
    ...(d.requests?.home_visits ?? []).map((r) => ({ ...r, what: t('申请上门服务（{status}，最迟 {date}）', { status: label(HOME_VISIT_STATUS, r.status), date: r.deadline }) })),
  ].sort((a, b) => (a.on < b.on ? 1 : -1));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'front-desk' },
    h('h2', { id: 'front-desk' }, t('前台代办')),
    h('p', { class: 'muted' }, t('本人到窗口、来电、来信或由家属代办时，在此登记；与本人网上办理效力相同。')),
    actions,
    requests.length
      ? table({
          caption: t('申请记录'),
          columns: [
            { label: t('日期'), cell: (r) => date(r.on), rowHeader: true },
            { label: t('事项'), cell: (r) => r.what },
            { label: t('渠道'), cell: (r) => label(REQUEST_CHANNELS, r.made?.channel) },
            { label: t('办理人'), cell: (r) => (r.made?.relative ? `${label(RELATIVES, r.made.relative.relation)} ${r.made.relative.name_masked ?? ''}` : t('本人')) },
          ],
          rows: requests,
          rowAttrs: () => ({ dataset: { testid: 'desk-request' } }),
        })
      : h('p', { class: 'muted' }, t('暂无异议或上门服务申请。')),
  );
}

function benefitName(d, benefitId) {
  const b = (d.benefits ?? []).find((x) => x.benefit_id === benefitId);
  return b ? label(BENEFIT_TYPES, b.benefit_type) : '';
}

/** How the request came and, when not the person, which relative made it. */
function madeFields() {
  return [
    field(t('渠道'), select('channel', STAFF_CHANNELS, { empty: t('请选择'), attrs: { dataset: { testid: 'desk-channel' } } })),
    field(t('代办家属关系'), select('relation', family(), { empty: t('本人办理'), attrs: { dataset: { testid: 'desk-relation' } } }), t('家属代办时必填。')),
    field(t('代办家属姓名'), h('input', { name: 'relative_name', maxlength: 50, autocomplete: 'off', dataset: { testid: 'desk-relative-name' } })),
  ];
}

function made(data) {
  const out = { channel: data.get('channel') || '' };
  if (data.get('relation')) out.relative = { relation: data.get('relation'), name: String(data.get('relative_name') ?? '').trim() };
  return out;
}

/** An objection made at the window, by phone, by letter or by a relative (R7.2). */
function objectionDialog(id, name, suspended, refresh) {
  const { input, status } = fileChooser('desk-objection-files');
  const fields = [
    field(t('暂停的待遇'), select('benefit_id', suspended.map((b) => [b.benefit_id, label(BENEFIT_TYPES, b.benefit_type)]), { value: suspended[0].benefit_id, attrs: { dataset: { testid: 'desk-benefit' } } })),
    ...madeFields(),
    field(t('异议内容'), h('textarea', { name: 'text', rows: 4, maxlength: 2000, required: true, dataset: { testid: 'desk-objection-text' } }), t('照实记录本人或家属所说，最多2000字。')),
    field(t('来信扫描件、照片（可选）'), input),
    status,
  ];
  const intro = t('登记后暂停满三个月终止发放的期限停止计算，并安排重新核实（R7.2）。');
  actionDialog(t('代为提出异议：{name}', { name }), intro, fields, t('登记异议'), 'desk-objection-submit', async (data) => {
    const files = [...input.files];
    const problem = filesProblem(files);
    if (problem) throw new ApiError(422, problem);
    const payload = { person_id: id, benefit_id: data.get('benefit_id'), text: String(data.get('text') ?? '').trim(), ...made(data) };
    if (files.length) payload.files = await uploads(files);
    const r = await post('/api/v1/objections', payload);
    return t('已登记{name}的异议（{channel}），已安排重新核实，终止期限停止计算。', { name, channel: label(REQUEST_CHANNELS, r.channel) });
  }, refresh);
}

/** A home visit asked for by phone or at the window (R6.3): five working days from the call. */
function visitDialog(id, name, refresh) {
  const today = todayChina();
  const fields = [
    field(t('原因'), select('reason', Object.entries(VISIT_REASONS), { value: 'very_old', attrs: { dataset: { testid: 'desk-visit-reason' } } })),
    field(t('上门地址'), h('input', { name: 'address', maxlength: 200, required: true, autocomplete: 'off', dataset: { testid: 'desk-visit-address' } })),
    field(t('联系电话'), h('input', { name: 'phone', type: 'tel', maxlength: 20, required: true, autocomplete: 'off', dataset: { testid: 'desk-visit-phone' } })),
    field(t('来电或申请日期'), h('input', { type: 'date', name: 'requested_on', value: today, min: addDays(today, -7), max: today }), t('5个工作日从这一天算起。')),
    ...madeFields(),
  ];
  actionDialog(t('登记上门服务申请：{name}', { name }), t('申请将转给所在社区，须在5个工作日内安排上门（R6.3）。'), fields, t('登记申请'), 'desk-visit-submit', async (data) => {
    const payload = {
      person_id: id, reason: data.get('reason'), address: String(data.get('address') ?? '').trim(), phone: String(data.get('phone') ?? '').trim(),
      requested_on: data.get('requested_on') || today, ...made(data),
    };
    const r = await post('/api/v1/home-visits', payload);
    return r.merged
      ? t('{name}已有待安排的上门申请，已更新其内容（最迟 {date} 上门）。', { name, date: r.deadline })
      : t('已登记{name}的上门服务申请，最迟 {date} 前安排上门。', { name, date: r.deadline });
  }, refresh);
}

/** A certification at the window or by video (R5.5, R6.2), with the photo or the recording. */
function certificationDialog(id, name, refresh) {
  const { input, status } = fileChooser('desk-certify-files');
  const fields = [
    field(t('方式'), select('channel', [['window', t('本人到窗口')], ['video', t('视频认证')]], { value: 'window', attrs: { dataset: { testid: 'desk-certify-channel' } } })),
    field(t('说明'), h('textarea', { name: 'note', rows: 2, maxlength: 500 }), t('最多500字。')),
    field(t('本人照片或认证录像'), input, t('须上传本人照片或视频；视频认证须上传录像（MP4）（R6.2）。')),
    status,
  ];
  actionDialog(t('窗口或视频认证：{name}', { name }), t('核实本人健在、具备领取资格后登记；如有在办核实任务，一并办结。'), fields, t('登记认证'), 'desk-certify-submit', async (data) => {
    const files = [...input.files];
    const video = data.get('channel') === 'video';
    const problem = filesProblem(files)
      ?? (!pictured(files) ? NEEDS_PICTURE : null)
      ?? (video && !files.some((f) => f.type.startsWith('video/')) ? localProblem('视频认证须上传认证录像（R6.2）', {}, 'files') : null);
    if (problem) throw new ApiError(422, problem);
    const payload = { person_id: id, channel: data.get('channel'), files: await uploads(files) };
    const note = String(data.get('note') ?? '').trim();
    if (note) payload.note = note;
    const r = await post('/api/v1/certifications', payload);
    return r.pending_review ? t('已登记{name}的认证，恢复发放待市级复核后生效（R7.1）。', { name }) : t('已登记{name}的认证，已生效。', { name });
  }, refresh);
}

// 人员档案: search by ID number, phone or name; the dossier with the
// evidence timeline — what said what, when, from which source, and which
// rule (requirement id) decided.

import { ApiError, get, post, patch, query } from './api.js';
import { h, clear, table, field, select, badge, req, yuan, date, dateTime, problemBox, showError, success, announce, modal, busy, button, todayChina, actionDialog } from './ui.js';
import {
  BENEFIT_TYPES, PAYMENT, LISTS, LIST_SHORT, EFFECTS, OUTCOMES, RESIDENCE, MANAGEMENT, SPECIAL_GROUPS, LANGUAGES, CYCLE_STATUS, ACTIONS,
  SUSPENSION_REASONS, HISTORY_FIELDS, EVIDENCE, LOSS_CODES, RELATIVES, FAMILY_RELATIONS, lossOf, channelName, label,
} from './labels.js';
import { frontDeskSection } from './frontdesk.js';
import { fileChooser, filesProblem, uploads } from './tasks.js';
import { reasons } from './lists.js';

export async function render(main, route, ctx) {
  if (route.parts[0]) return dossier(main, route.parts[0], ctx);
  return search(main, route, ctx);
}

async function search(main, route, ctx) {
  const q = route.params.get('q') ?? '';
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  const input = h('input', { type: 'search', name: 'q', value: q, autocomplete: 'off', dataset: { testid: 'person-search' } });
  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    field('公民身份号码、手机号或姓名', input, '输入完整的18位身份证号或手机号精确查找；输入姓名按开头匹配。'),
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'person-search-submit' } }, '查找'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/persons${query({ q: input.value.trim() })}`);
  });
  main.append(h('div', { class: 'page-head' }, h('h1', {}, '人员档案'), h('p', { class: 'muted' }, '只显示您管辖范围内的人员；列表中的姓名、证件号和电话均已脱敏。')), form);
  if (!q) {
    input.focus();
    return;
  }
  const slot = h('div');
  main.append(slot);
  try {
    const result = await get(`/api/v1/persons${query({ q, page, per_page: 50 })}`);
    slot.append(
      h('p', { class: 'count' }, `找到 ${result.total ?? result.items.length} 人`),
      table({
        caption: '查找结果',
        columns: [
          { label: '姓名', cell: (p) => p.name_masked, rowHeader: true },
          { label: '公民身份号码', cell: (p) => h('span', { class: 'mono' }, p.id_number_masked) },
          { label: '手机号', cell: (p) => p.phone_masked ?? '—' },
          { label: '待遇', cell: (p) => (p.benefit_types ?? []).map((t) => label(BENEFIT_TYPES, t)).join('、') || '—' },
          { label: '居住', cell: (p) => label(RESIDENCE, p.residence) },
          { label: '所在社区 / 参保地', cell: (p) => `${ctx.orgName(p.community_id)} / ${ctx.orgName(p.insured_district)}` },
          { label: '操作', cell: (p) => h('a', { href: `#/persons/${encodeURIComponent(p.person_id)}`, class: 'row-action', dataset: { testid: 'open-dossier' } }, '查看档案', h('span', { class: 'visually-hidden' }, `：${p.name_masked}`)) },
        ],
        rows: result.items ?? [],
        rowAttrs: () => ({ dataset: { testid: 'person-row' } }),
        empty: '没有找到该人员（或不在您的管辖范围内）',
      }),
    );
  } catch (error) {
    slot.append(problemBox(error));
  }
}

async function dossier(main, id, ctx) {
  /** Draws the dossier again after a decision, with its confirmation on top. */
  const refresh = async (message) => {
    clear(main);
    try {
      await dossier(main, id, ctx);
    } catch (error) {
      clear(main).append(problemBox(error));
    }
    const notice = success(message);
    notice.dataset.testid = 'benefit-decision-result';
    notice.setAttribute('tabindex', '-1');
    const head = main.querySelector('.page-head');
    if (head) head.after(notice);
    else main.prepend(notice);
    notice.focus();
    announce(message);
  };
  const [d, history] = await Promise.all([
    get(`/api/v1/persons/${encodeURIComponent(id)}`),
    get(`/api/v1/persons/${encodeURIComponent(id)}/history?per_page=100`).catch(() => ({ items: [] })),
  ]);
  const p = d.person;
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/persons' }, '人员档案'), ' › ', p.name),
    h('div', { class: 'page-head' }, h('h1', {}, `${p.name} 的档案`), h('p', { class: 'muted' }, `评估日期 ${d.as_of}；档案信息仅供核实使用，请勿外传。`)),
  );

  const top = h('div', { class: 'dossier-top' });
  main.append(top);
  top.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'who' },
      h('h2', { id: 'who' }, '基本信息'),
      h(
        'dl',
        { class: 'facts' },
        fact('公民身份号码', h('span', { class: 'mono' }, p.id_number_masked)),
        fact('年龄', p.age == null ? '—' : `${p.age}岁`),
        fact('手机号', p.phone ?? '—'),
        fact('地址', p.address ?? '—'),
        fact('居住地类型', label(RESIDENCE, p.residence)),
        fact('所在社区', ctx.orgName(p.community_id)),
        fact('参保地', ctx.orgName(p.insured_district)),
        fact('管理方式', `${label(MANAGEMENT, p.management)}${p.employer_id ? `（${ctx.orgName(p.employer_id)}）` : ''}`),
        fact('特殊群体', (p.special_groups ?? []).map((g) => label(SPECIAL_GROUPS, g)).join('、') || '—'),
        fact('通知语言', label(LANGUAGES, p.language)),
        (d.relations ?? []).length ? fact('亲属关系', d.relations.map((r) => `${RELATIVES[r.relation] ?? r.relation} ${r.relative_id_number_masked}`).join('；')) : null,
      ),
      ctx.can('edit_persons')
        ? h(
            'div',
            { class: 'action-bar benefit-actions' },
            button('修改信息', () => editDialog(id, p, ctx, refresh), { class: 'small secondary', dataset: { testid: 'edit-person' }, 'aria-label': `修改${p.name}的信息` }),
            button('登记家属', () => relativeDialog(id, p, refresh), { class: 'small secondary', dataset: { testid: 'add-relative' }, 'aria-label': `登记${p.name}的家属` }),
          )
        : null,
    ),
  );

  top.append(
    h(
      'section',
      { class: 'benefits', 'aria-labelledby': 'benefits' },
      h('h2', { id: 'benefits' }, '待遇与当前判定'),
      h('div', { class: 'benefit-grid' }, (d.benefits ?? []).map((b) => benefitCard(b, ctx, refresh))),
    ),
  );

  main.append(frontDeskSection(id, d, ctx, refresh), timelineSection(d, history.items ?? [], ctx, refresh));
}

function fact(term, value) {
  return [h('dt', {}, term), h('dd', {}, value)];
}

function paymentText(b) {
  const state = b.payment?.state ?? b.payment_status;
  let text = label(PAYMENT, state);
  if (b.payment?.since) text += `（自${b.payment.since}）`;
  if (b.payment?.reason) text += `：${label(SUSPENSION_REASONS, b.payment.reason)}`;
  return text;
}

function benefitCard(b, ctx, refresh) {
  const listKind = b.list;
  const name = b.benefit_name_zh ?? label(BENEFIT_TYPES, b.benefit_type);
  let decision = null;
  if (ctx.can('terminate_benefits') && b.payment_status === 'suspended') {
    decision = button('终止发放', () => endingDialog(b, name, 'termination', refresh), { class: 'small danger', dataset: { testid: 'terminate-benefit' }, 'aria-label': `终止发放${name}` });
  } else if (ctx.can('terminate_benefits') && b.payment_status === 'terminated') {
    decision = button('纠正错误终止并恢复发放', () => endingDialog(b, name, 'reinstatement', refresh), { class: 'small secondary', dataset: { testid: 'reinstate-benefit' }, 'aria-label': `纠正错误终止并恢复发放${name}` });
  }
  const recovery = ctx.can('decide_recovery')
    ? button('开立追回案件', () => recoveryDialog(b, name, refresh), { class: 'small secondary', dataset: { testid: 'open-recovery' }, 'aria-label': `为${name}开立追回案件` })
    : null;
  return h(
    'article',
    { class: 'card benefit' },
    h('h3', {}, b.benefit_name_zh ?? label(BENEFIT_TYPES, b.benefit_type)),
    h('p', {}, badge(LIST_SHORT[listKind] ?? listKind, `list-${listKind}`), ' ', badge(paymentText(b), b.payment_status)),
    h(
      'dl',
      { class: 'facts compact' },
      fact('月待遇', yuan(b.monthly_amount_fen)),
      fact('起始日期', date(b.start_date)),
      fact('本周期', b.cycle?.current ? `${b.cycle.current.start} 至 ${b.cycle.current.end}，应于 ${b.cycle.current.due} 前认证` : '—'),
      fact(
        '认证状态',
        [
          label(CYCLE_STATUS, b.cycle?.status),
          b.cycle?.status === 'certified' && b.cycle?.next_due ? `，下次应认证 ${b.cycle.next_due}` : '',
          b.cycle?.overdue_since ? [' ', badge(`自 ${b.cycle.overdue_since} 起逾期`, 'bad')] : null,
        ],
      ),
      fact('最近认证', b.cycle?.last_certified ? `${b.cycle.last_certified}${b.certified_on === b.cycle.last_certified && b.certified_by ? `（${channelName(b.certified_by)}）` : ''}` : '从未认证'),
      fact('处理建议', label(ACTIONS, b.action)),
      b.loss_date ? fact('丧失资格日期', b.loss_date) : null,
    ),
    h('div', { class: 'why' }, h('h4', {}, `为何列入${LISTS[listKind] ?? listKind}`), reasons(b.reasons)),
    decision || recovery ? h('div', { class: 'action-bar benefit-actions' }, decision, recovery) : null,
  );
}

/**
 * Changes personal data (R3.1): only the fields changed are sent; the old
 * and new values are kept in the history.
 */
function editDialog(id, p, ctx, refresh) {
  const { body, close } = modal(`修改信息：${p.name}`);
  const communities = (ctx.orgs ?? []).filter((o) => o.kind === 'community').map((o) => [o.id, o.name]);
  const name = h('input', { name: 'name', value: p.name ?? '', maxlength: 50, autocomplete: 'off', dataset: { testid: 'edit-name' } });
  const phone = h('input', { name: 'phone', type: 'tel', value: p.phone ?? '', maxlength: 20, autocomplete: 'off', dataset: { testid: 'edit-phone' } });
  const address = h('input', { name: 'address', value: p.address ?? '', maxlength: 200, autocomplete: 'off', dataset: { testid: 'edit-address' } });
  const residence = select('residence', Object.entries(RESIDENCE), { value: p.residence ?? '' });
  const community = select('community_id', communities, { value: p.community_id ?? '', empty: '无' });
  const language = select('language', Object.entries(LANGUAGES), { value: p.language ?? 'zh' });
  const groups = h('fieldset', { class: 'choices' }, h('legend', {}, '特殊群体'), Object.entries(SPECIAL_GROUPS).map(([v, l]) =>
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'special_groups', value: v, checked: (p.special_groups ?? []).includes(v) }), ' ', l),
  ));
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'edit-submit' } }, '保存');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field('姓名', name),
    field('手机号', phone, '11位手机号或带区号的固定电话；留空为删除'),
    field('地址', address, '最长200字'),
    field('居住地类型', residence),
    field('所在社区（村）', community, '本地居住须选择所在社区（村）'),
    field('通知语言', language, '短信、通知和认证结果用此语言发给本人'),
    groups,
    errors,
    h('div', { class: 'dialog-actions' }, button('取消', () => close(), { class: 'ghost' }), submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const change = {};
    if (name.value.trim() !== (p.name ?? '')) change.name = name.value.trim();
    if (phone.value.trim() !== (p.phone ?? '')) change.phone = phone.value.trim();
    if (address.value.trim() !== (p.address ?? '')) change.address = address.value.trim();
    if (residence.value !== (p.residence ?? '')) change.residence = residence.value;
    if (community.value !== (p.community_id ?? '')) change.community_id = community.value;
    if (language.value !== (p.language ?? 'zh')) change.language = language.value;
    const chosen = [...form.querySelectorAll('input[name="special_groups"]:checked')].map((c) => c.value);
    const before = [...(p.special_groups ?? [])].sort().join(',');
    if ([...chosen].sort().join(',') !== before) change.special_groups = chosen;
    if (!change.name && 'name' in change) {
      showError(errors, new ApiError(422, { detail: '姓名不能为空', detail_en: 'The name cannot be empty', field: 'name' }), form);
      return;
    }
    if (Object.keys(change).length === 0) {
      showError(errors, new ApiError(422, { detail: '没有修改任何信息', detail_en: 'Nothing was changed' }), form);
      return;
    }
    await busy(submit, async () => {
      try {
        await patch(`/api/v1/persons/${encodeURIComponent(id)}`, change);
        close();
        const what = Object.keys(change).map((k) => label(HISTORY_FIELDS, k)).join('、');
        await refresh(`已修改${p.name}的${what}；原值已记入变更记录（R3.1）。`);
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
  phone.focus();
}

const ENDINGS = {
  termination: {
    title: '终止发放',
    about: '待遇暂停满三个月且本人未提出异议的，由社会保险经办机构作出终止发放决定（R7.2）。',
    hint: '写明依据，如“暂停满三个月，本人及家属未提出异议”；最多500字。',
    submit: '确定终止发放',
  },
  reinstatement: {
    title: '纠正错误终止并恢复发放',
    about: '经核实终止发放有误的，恢复发放，并补发停发以来未发的各月待遇（R7.2）。',
    hint: '写明纠正理由，如“死亡信息系误报，本人到窗口当面核实”；最多500字。',
    submit: '确定恢复发放',
  },
};

/** The agency's decision on a benefit's end (R7.2): asks why, then refreshes the dossier. */
function endingDialog(b, name, kind, refresh) {
  const words = ENDINGS[kind];
  const { body, close } = modal(`${words.title}：${name}`);
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 500, required: true, dataset: { testid: 'benefit-decision-note' } });
  const { input: files, status: fileStatus } = fileChooser('benefit-decision-files');
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: kind === 'termination' ? 'danger' : 'primary', dataset: { testid: 'benefit-decision-submit' } }, words.submit);
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('p', {}, words.about),
    h('p', { class: 'muted' }, `当前状态：${paymentText(b)}；月待遇 ${yuan(b.monthly_amount_fen)}。`),
    field('理由', note, words.hint),
    field('依据材料（可选）', files, '来函扫描件、证明照片等，随决定归档（R8.2）。'),
    fileStatus,
    errors,
    h('div', { class: 'dialog-actions' }, button('取消', () => close(), { class: 'ghost' }), submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    if (!note.value.trim()) {
      showError(errors, new ApiError(422, { detail: '请填写理由', detail_en: 'Give the reason for the decision', field: 'note' }), form);
      return;
    }
    const chosen = [...files.files];
    const problem = filesProblem(chosen);
    if (problem) {
      showError(errors, new ApiError(422, problem), form);
      return;
    }
    await busy(submit, async () => {
      try {
        const payload = { note: note.value.trim() };
        if (chosen.length) payload.files = await uploads(chosen);
        const r = await post(`/api/v1/benefits/${encodeURIComponent(b.benefit_id)}/${kind}`, payload);
        close();
        const text = kind === 'termination'
          ? `已终止发放${name}（决定日期 ${r.decided_on}）。`
          : `已恢复发放${name}（决定日期 ${r.decided_on}）${r.back_pay_fen ? `，补发 ${yuan(r.back_pay_fen)}` : ''}。`;
        await refresh(text);
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
  note.focus();
}

/**
 * The city retracts a false death report with its reason (R5.4, R5.6): the
 * recovery it opened is withdrawn and verification reopens.
 */
function retractionDialog(report, refresh) {
  const fields = [field('撤回理由', h('textarea', { name: 'reason', rows: 3, maxlength: 500, required: true }), '如：经上门核实本人健在。最多500字。')];
  const intro = '撤回后，由此申报开立的追回案件将撤销，并重新核实；恢复发放须另行作出核实结论。';
  actionDialog('撤回死亡申报', intro, fields, '撤回', 'retraction-submit', async (data) => {
    const r = await post(`/api/v1/death-reports/${encodeURIComponent(report)}/retraction`, { reason: String(data.get('reason') ?? '').trim() });
    return `已撤回该死亡申报${r.recoveries_withdrawn ? `，撤销追回案件 ${r.recoveries_withdrawn} 件` : ''}，已重新安排核实。`;
  }, refresh);
}

/**
 * Records a family member (R3.1): a death that relative reports stops
 * payment at once; anyone else's report waits for verification (R5.6).
 */
function relativeDialog(id, p, refresh) {
  const fields = [
    field('家属身份证号码', h('input', { name: 'id_number', maxlength: 18, autocomplete: 'off', required: true, dataset: { testid: 'relative-id' } })),
    field('关系', select('relation', FAMILY_RELATIONS.map((k) => [k, RELATIVES[k]]), { empty: '请选择' })),
  ];
  actionDialog(`登记家属：${p.name}`, '登记在册的家属申报死亡时，待遇会立即暂停发放；其他人的申报须先经核实。', fields, '登记', 'relative-submit', async (data) => {
    await post(`/api/v1/persons/${encodeURIComponent(id)}/relatives`, { id_number: String(data.get('id_number') ?? '').trim(), relation: data.get('relation') });
    return '已登记家属。';
  }, refresh);
}

/**
 * The agency opens a recovery for a loss it found itself (R7.3): the loss,
 * its date and the basis; payment stops and each benefit the loss concerns
 * gets its case.
 */
function recoveryDialog(b, name, refresh) {
  const fields = [
    field('丧失资格原因', select('loss', LOSS_CODES.map((c) => [c, `${EVIDENCE[c][0]}（${EVIDENCE[c][1]}）`]), { empty: '请选择' })),
    field('丧失资格日期', h('input', { type: 'date', name: 'loss_date', max: todayChina(), required: true })),
    field('依据', h('textarea', { name: 'note', rows: 3, maxlength: 500, required: true }), '如：单位来函、死亡证明编号。最多500字。'),
  ];
  const intro = '按本机构掌握的丧失资格情形开立追回：暂停发放，并对该情形涉及的每项待遇计算多领金额。';
  actionDialog(`开立追回案件：${name}`, intro, fields, '开立案件', 'open-recovery-submit', async (data) => {
    const payload = { benefit_id: b.benefit_id, note: String(data.get('note') ?? '').trim(), loss_date: data.get('loss_date') || null };
    if (data.get('loss')) payload.loss = lossOf(String(data.get('loss')));
    const r = await post('/api/v1/recoveries', payload);
    return `已开立追回案件 ${r.recovery_ids.length} 件，相关待遇已暂停发放。`;
  }, refresh);
}

/**
 * The evidence timeline: evidence records, staff decisions, changes to the
 * registry and, on top, today's assessment; newest first. Each record shows
 * the reasons that cite it, so a clerk can explain the decision.
 */
function timelineSection(d, history, ctx, refresh) {
  const citedBy = new Map();
  for (const b of d.benefits ?? []) {
    for (const r of b.reasons ?? []) {
      for (const ev of r.evidence ?? []) {
        if (!citedBy.has(ev)) citedBy.set(ev, []);
        citedBy.get(ev).push({ benefit: b.benefit_name_zh, reason: r });
      }
    }
  }
  const entries = [];
  for (const b of d.benefits ?? []) {
    entries.push({
      on: d.as_of,
      order: 3,
      kind: 'assessment',
      title: `当前判定：${b.benefit_name_zh} → ${LISTS[b.list] ?? b.list}`,
      source: '系统按规则评估',
      body: reasons(b.reasons),
      requirement: (b.reasons ?? []).map((r) => r.requirement).filter(Boolean),
      tag: label(ACTIONS, b.action),
    });
  }
  for (const e of d.evidence ?? []) {
    const cites = citedBy.get(e.id) ?? [];
    // The city retracts a false death report (R5.4, R5.6).
    const report = e.id.startsWith('death-report:') && ctx.can('review_outcomes') ? e.id.slice('death-report:'.length) : null;
    entries.push({
      on: e.occurred_on,
      order: 2,
      kind: `evidence effect-${e.effect}`,
      title: e.name_zh ?? EVIDENCE[e.code]?.[0] ?? e.code,
      source: `来源：${sourceName(e.source)}；${e.occurred_on} 发生，${e.received_on} 收到`,
      requirement: [e.requirement],
      tag: label(EFFECTS, e.effect),
      body: [
        // Who held the phone or brought the person (R6.3); the person was the one checked.
        e.helper ? h('p', { dataset: { testid: 'evidence-helper' } }, `协助人：${label(RELATIVES, e.helper.relation)} ${e.helper.name_masked}（本人刷脸）`) : null,
        cites.length
          ? h('ul', { class: 'reason-list' }, cites.map((c) => h('li', {}, '据此判定：', c.benefit, ' — ', req(c.reason.requirement), ' ', c.reason.message_zh)))
          : null,
        report ? button('撤回此申报', () => retractionDialog(report, refresh), { class: 'small secondary', dataset: { testid: 'retract-death-report' } }) : null,
      ],
      id: e.id,
    });
  }
  for (const dec of d.decisions ?? []) {
    const o = dec.outcome ?? {};
    let text = label(OUTCOMES, o.outcome);
    if (o.outcome === 'not_eligible') text += `：${EVIDENCE[o.reason?.type]?.[0] ?? lossName(o.reason)}，丧失资格日期 ${o.loss_date ?? '—'}`;
    entries.push({
      on: dec.decided_on,
      order: 1,
      kind: `decision outcome-${o.outcome}`,
      title: `核实结果：${text}`,
      source: `经办人：${actorName(dec.decided_by)}`,
      requirement: [o.outcome === 'eligible' ? 'R6.6' : 'R7.1'],
      tag: '经办决定',
      body: (citedBy.get(dec.id) ?? []).length ? h('p', {}, '被当前判定引用') : null,
    });
  }
  for (const item of history) {
    entries.push({
      on: item.at,
      order: 0,
      kind: 'history',
      title: historyTitle(item),
      source: `${actorName(item.actor)}，${dateTime(item.at)}`,
      requirement: ['R3.1'],
      tag: item.entity === 'benefit' ? '待遇变更' : '信息变更',
    });
  }
  entries.sort((a, b) => String(b.on).slice(0, 10).localeCompare(String(a.on).slice(0, 10)) || b.order - a.order);

  const list = h(
    'ol',
    { class: 'timeline', dataset: { testid: 'timeline' }, 'aria-label': '证据时间线' },
    entries.map((e) =>
      h(
        'li',
        { class: ['timeline-item', ...e.kind.split(' ')], dataset: { testid: 'timeline-item' } },
        h('div', { class: 'tl-date' }, h('time', { datetime: String(e.on).slice(0, 10) }, String(e.on).slice(0, 10))),
        h(
          'div',
          { class: 'tl-body' },
          h('p', { class: 'tl-title' }, h('strong', {}, e.title), ' ', e.tag ? badge(e.tag, 'soft') : null, ' ', [...new Set(e.requirement ?? [])].map((r) => [req(r), ' '])),
          h('p', { class: 'tl-source muted' }, e.source),
          e.body ?? null,
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, '证据时间线'),
    h('p', { class: 'muted' }, '按时间倒序：哪一来源、何时、说明了什么，以及依据哪条要求（R编号）作出判定。'),
    entries.length ? list : h('p', {}, '暂无记录'),
  );
}

const SOURCES = {
  roster: '花名册导入',
  activity_sign_in: '活动签到表',
  household_survey: '全民参保登记调查表',
  self_service: '本人自助认证',
  face: '人脸识别认证',
  staff: '经办人员',
  death_report: '家属申报',
};
function sourceName(source) {
  if (!source) return '—';
  if (SOURCES[source]) return SOURCES[source];
  if (source.startsWith('partner:')) return `数据共享单位 ${source.slice(8)}`;
  return source;
}

function actorName(actor) {
  if (!actor) return '—';
  if (actor.startsWith('staff:')) return `工作人员（${actor.slice(6)}）`;
  if (actor.startsWith('system')) return '系统';
  if (actor.startsWith('partner:')) return `数据共享单位 ${actor.slice(8)}`;
  return actor;
}

function lossName(reason) {
  if (!reason) return '—';
  const key = reason.source ? `${reason.type}.${reason.source}` : reason.form ? `${reason.type}.${reason.form}` : reason.type;
  return EVIDENCE[key]?.[0] ?? reason.type;
}

function historyTitle(item) {
  const what = label(HISTORY_FIELDS, item.field);
  if (item.field === 'created') {
    return item.entity === 'benefit' ? `登记待遇：${label(BENEFIT_TYPES, item.new)}` : `登记人员（${item.new === 'roster' ? '花名册导入' : item.new ?? ''}）`;
  }
  if (item.field === 'payment_status') return `待遇状态：${label(PAYMENT, item.old)} → ${label(PAYMENT, item.new)}`;
  return `${what}：${item.old ?? '（空）'} → ${item.new ?? '（空）'}`;
}

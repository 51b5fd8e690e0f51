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
import { listOf, localProblem, mark, t, pickMessage } from './i18n.js';

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
    field(t('公民身份号码、手机号或姓名'), input, t('输入完整的18位身份证号或手机号精确查找；输入姓名按开头匹配。')),
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'person-search-submit' } }, t('查找')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/persons${query({ q: input.value.trim() })}`);
  });
  main.append(h('div', { class: 'page-head' }, h('h1', {}, t('人员档案')), h('p', { class: 'muted' }, t('只显示您管辖范围内的人员；列表中的姓名、证件号和电话均已脱敏。'))), form);
  if (!q) {
    input.focus();
    return;
  }
  const slot = h('div');
  main.append(slot);
  try {
    const result = await get(`/api/v1/persons${query({ q, page, per_page: 50 })}`);
    slot.append(
      h('p', { class: 'count' }, t('找到 {n} 人', { n: result.total ?? result.items.length })),
      table({
        caption: t('查找结果'),
        columns: [
          { label: t('姓名'), cell: (p) => p.name_masked, rowHeader: true },
          { label: t('公民身份号码'), cell: (p) => h('span', { class: 'mono' }, p.id_number_masked) },
          { label: t('手机号'), cell: (p) => p.phone_masked ?? '—' },
          { label: t('待遇'), cell: (p) => listOf((p.benefit_types ?? []).map((type) => label(BENEFIT_TYPES, type))) || '—' },
          { label: t('居住'), cell: (p) => label(RESIDENCE, p.residence) },
          { label: t('所在社区 / 参保地'), cell: (p) => `${ctx.orgName(p.community_id)} / ${ctx.orgName(p.insured_district)}` },
          { label: t('操作'), cell: (p) => h('a', { href: `#/persons/${encodeURIComponent(p.person_id)}`, class: 'row-action', dataset: { testid: 'open-dossier' } }, t('查看档案'), h('span', { class: 'visually-hidden' }, `${mark.colon}${p.name_masked}`)) },
        ],
        rows: result.items ?? [],
        rowAttrs: () => ({ dataset: { testid: 'person-row' } }),
        empty: t('没有找到该人员（或不在您的管辖范围内）'),
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
    h('p', { class: 'crumbs' }, h('a', { href: '#/persons' }, t('人员档案')), ' › ', p.name),
    h('div', { class: 'page-head' }, h('h1', {}, t('{name} 的档案', { name: p.name })), h('p', { class: 'muted' }, t('评估日期 {date}；档案信息仅供核实使用，请勿外传。', { date: d.as_of }))),
  );

  const top = h('div', { class: 'dossier-top' });
  main.append(top);
  top.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'who' },
      h('h2', { id: 'who' }, t('基本信息')),
      h(
        'dl',
        { class: 'facts' },
        fact(t('公民身份号码'), h('span', { class: 'mono' }, p.id_number_masked)),
        fact(t('年龄'), p.age == null ? '—' : t('{age}岁', { age: p.age })),
        fact(t('手机号'), p.phone ?? '—'),
        fact(t('地址'), p.address ?? '—'),
        fact(t('居住地类型'), label(RESIDENCE, p.residence)),
        fact(t('所在社区'), ctx.orgName(p.community_id)),
        fact(t('参保地'), ctx.orgName(p.insured_district)),
        fact(t('管理方式'), `${label(MANAGEMENT, p.management)}${p.employer_id ? `${mark.open}${ctx.orgName(p.employer_id)}${mark.close}` : ''}`),
        fact(t('特殊群体'), listOf((p.special_groups ?? []).map((g) => label(SPECIAL_GROUPS, g))) || '—'),
        fact(t('通知语言'), label(LANGUAGES, p.language)),
        (d.relations ?? []).length ? fact(t('亲属关系'), d.relations.map((r) => `${RELATIVES[r.relation] ?? r.relation} ${r.relative_id_number_masked}`).join(mark.semicolon)) : null,
      ),
      ctx.can('edit_persons')
        ? h(
            'div',
            { class: 'action-bar benefit-actions' },
            button(t('修改信息'), () => editDialog(id, p, ctx, refresh), { class: 'small secondary', dataset: { testid: 'edit-person' }, 'aria-label': t('修改{name}的信息', { name: p.name }) }),
            button(t('登记家属'), () => relativeDialog(id, p, refresh), { class: 'small secondary', dataset: { testid: 'add-relative' }, 'aria-label': t('登记{name}的家属', { name: p.name }) }),
          )
        : null,
    ),
  );

  top.append(
    h(
      'section',
      { class: 'benefits', 'aria-labelledby': 'benefits' },
      h('h2', { id: 'benefits' }, t('待遇与当前判定')),
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
  if (b.payment?.since) text += t('（自{date}）', { date: b.payment.since });
  if (b.payment?.reason) text += `${mark.colon}${label(SUSPENSION_REASONS, b.payment.reason)}`;
  return text;
}

function benefitCard(b, ctx, refresh) {
  const listKind = b.list;
  const name = label(BENEFIT_TYPES, b.benefit_type);
  let decision = null;
  if (ctx.can('terminate_benefits') && b.payment_status === 'suspended') {
    decision = button(t('终止发放'), () => endingDialog(b, name, 'termination', refresh), { class: 'small danger', dataset: { testid: 'terminate-benefit' }, 'aria-label': t('终止发放{benefit}', { benefit: name }) });
  } else if (ctx.can('terminate_benefits') && b.payment_status === 'terminated') {
    decision = button(t('纠正错误终止并恢复发放'), () => endingDialog(b, name, 'reinstatement', refresh), { class: 'small secondary', dataset: { testid: 'reinstate-benefit' }, 'aria-label': t('纠正错误终止并恢复发放{benefit}', { benefit: name }) });
  }
  const recovery = ctx.can('decide_recovery')
    ? button(t('开立追回案件'), () => recoveryDialog(b, name, refresh), { class: 'small secondary', dataset: { testid: 'open-recovery' }, 'aria-label': t('为{benefit}开立追回案件', { benefit: name }) })
    : null;
  return h(
    'article',
    { class: 'card benefit' },
    h('h3', {}, label(BENEFIT_TYPES, b.benefit_type)),
    h('p', {}, badge(LIST_SHORT[listKind] ?? listKind, `list-${listKind}`), ' ', badge(paymentText(b), b.payment_status)),
    h(
      'dl',
      { class: 'facts compact' },
      fact(t('月待遇'), yuan(b.monthly_amount_fen)),
      fact(t('起始日期'), date(b.start_date)),
      fact(t('本周期'), b.cycle?.current ? t('{start} 至 {end}，应于 {due} 前认证', { start: b.cycle.current.start, end: b.cycle.current.end, due: b.cycle.current.due }) : '—'),
      fact(
        t('认证状态'),
        [
          label(CYCLE_STATUS, b.cycle?.status),
          b.cycle?.status === 'certified' && b.cycle?.next_due ? t('，下次应认证 {date}', { date: b.cycle.next_due }) : '',
          b.cycle?.overdue_since ? [' ', badge(t('自 {date} 起逾期', { date: b.cycle.overdue_since }), 'bad')] : null,
        ],
      ),
      fact(t('最近认证'), b.cycle?.last_certified ? `${b.cycle.last_certified}${b.certified_on === b.cycle.last_certified && b.certified_by ? `${mark.open}${channelName(b.certified_by)}${mark.close}` : ''}` : t('从未认证')),
      fact(t('处理建议'), label(ACTIONS, b.action)),
      b.loss_date ? fact(t('丧失资格日期'), b.loss_date) : null,
    ),
    h('div', { class: 'why' }, h('h4', {}, t('为何列入{list}', { list: LISTS[listKind] ?? listKind })), reasons(b.reasons)),
    decision || recovery ? h('div', { class: 'action-bar benefit-actions' }, decision, recovery) : null,
  );
}

/**
 * Changes personal data (R3.1): only the fields changed are sent; the old
 * and new values are kept in the history.
 */
function editDialog(id, p, ctx, refresh) {
  const { body, close } = modal(t('修改信息：{name}', { name: p.name }));
  const communities = (ctx.orgs ?? []).filter((o) => o.kind === 'community').map((o) => [o.id, o.name]);
  const name = h('input', { name: 'name', value: p.name ?? '', maxlength: 50, autocomplete: 'off', dataset: { testid: 'edit-name' } });
  const phone = h('input', { name: 'phone', type: 'tel', value: p.phone ?? '', maxlength: 20, autocomplete: 'off', dataset: { testid: 'edit-phone' } });
  const address = h('input', { name: 'address', value: p.address ?? '', maxlength: 200, autocomplete: 'off', dataset: { testid: 'edit-address' } });
  const residence = select('residence', Object.entries(RESIDENCE), { value: p.residence ?? '' });
  const community = select('community_id', communities, { value: p.community_id ?? '', empty: t('无') });
  const language = select('language', Object.entries(LANGUAGES), { value: p.language ?? 'zh' });
  const groups = h('fieldset', { class: 'choices' }, h('legend', {}, t('特殊群体')), Object.entries(SPECIAL_GROUPS).map(([v, l]) =>
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'special_groups', value: v, checked: (p.special_groups ?? []).includes(v) }), ' ', l),
  ));
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'edit-submit' } }, t('保存'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field(t('姓名'), name),
    field(t('手机号'), phone, t('11位手机号或带区号的固定电话；留空为删除')),
    field(t('地址'), address, t('最长200字')),
    field(t('居住地类型'), residence),
    field(t('所在社区（村）'), community, t('本地居住须选择所在社区（村）')),
    field(t('通知语言'), language, t('短信、通知和认证结果用此语言发给本人')),
    groups,
    errors,
    h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit),
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
      showError(errors, new ApiError(422, localProblem('姓名不能为空', {}, 'name')), form);
      return;
    }
    if (Object.keys(change).length === 0) {
      showError(errors, new ApiError(422, localProblem('没有修改任何信息')), form);
      return;
    }
    await busy(submit, async () => {
      try {
        await patch(`/api/v1/persons/${encodeURIComponent(id)}`, change);
        close();
        const what = listOf(Object.keys(change).map((k) => label(HISTORY_FIELDS, k)));
        await refresh(t('已修改{name}的{fields}；原值已记入变更记录（R3.1）。', { name: p.name, fields: what }));
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
    heading: (name) => t('终止发放：{benefit}', { benefit: name }),
    about: t('待遇暂停满三个月且本人未提出异议的，由社会保险经办机构作出终止发放决定（R7.2）。'),
    hint: t('写明依据，如“暂停满三个月，本人及家属未提出异议”；最多500字。'),
    submit: t('确定终止发放'),
  },
  reinstatement: {
    heading: (name) => t('纠正错误终止并恢复发放：{benefit}', { benefit: name }),
    about: t('经核实终止发放有误的，恢复发放，并补发停发以来未发的各月待遇（R7.2）。'),
    hint: t('写明纠正理由，如“死亡信息系误报，本人到窗口当面核实”；最多500字。'),
    submit: t('确定恢复发放'),
  },
};

/** The agency's decision on a benefit's end (R7.2): asks why, then refreshes the dossier. */
function endingDialog(b, name, kind, refresh) {
  const words = ENDINGS[kind];
  const { body, close } = modal(words.heading(name));
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 500, required: true, dataset: { testid: 'benefit-decision-note' } });
  const { input: files, status: fileStatus } = fileChooser('benefit-decision-files');
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: kind === 'termination' ? 'danger' : 'primary', dataset: { testid: 'benefit-decision-submit' } }, words.submit);
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('p', {}, words.about),
    h('p', { class: 'muted' }, t('当前状态：{state}；月待遇 {amount}。', { state: paymentText(b), amount: yuan(b.monthly_amount_fen) })),
    field(t('理由'), note, words.hint),
    field(t('依据材料（可选）'), files, t('来函扫描件、证明照片等，随决定归档（R8.2）。')),
    fileStatus,
    errors,
    h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    if (!note.value.trim()) {
      showError(errors, new ApiError(422, localProblem('请填写理由', {}, 'note')), form);
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
          ? t('已终止发放{benefit}（决定日期 {date}）。', { benefit: name, date: r.decided_on })
          : r.back_pay_fen
            ? t('已恢复发放{benefit}（决定日期 {date}），补发 {amount}。', { benefit: name, date: r.decided_on, amount: yuan(r.back_pay_fen) })
            : t('已恢复发放{benefit}（决定日期 {date}）。', { benefit: name, date: r.decided_on });
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
  const fields = [field(t('撤回理由'), h('textarea', { name: 'reason', rows: 3, maxlength: 500, required: true }), t('如：经上门核实本人健在。最多500字。'))];
  const intro = t('撤回后，由此申报开立的追回案件将撤销，并重新核实；恢复发放须另行作出核实结论。');
  actionDialog(t('撤回死亡申报'), intro, fields, t('确认撤回'), 'retraction-submit', async (data) => {
    const r = await post(`/api/v1/death-reports/${encodeURIComponent(report)}/retraction`, { reason: String(data.get('reason') ?? '').trim() });
    return r.recoveries_withdrawn
      ? t('已撤回该死亡申报，撤销追回案件 {n} 件，已重新安排核实。', { n: r.recoveries_withdrawn })
      : t('已撤回该死亡申报，已重新安排核实。');
  }, refresh);
}

/**
 * Records a family member (R3.1): a death that relative reports stops
 * payment at once; anyone else's report waits for verification (R5.6).
 */
function relativeDialog(id, p, refresh) {
  const fields = [
    field(t('家属身份证号码'), h('input', { name: 'id_number', maxlength: 18, autocomplete: 'off', required: true, dataset: { testid: 'relative-id' } })),
    field(t('关系'), select('relation', FAMILY_RELATIONS.map((k) => [k, RELATIVES[k]]), { empty: t('请选择') })),
  ];
  actionDialog(t('登记家属：{name}', { name: p.name }), t('登记在册的家属申报死亡时，待遇会立即暂停发放；其他人的申报须先经核实。'), fields, t('登记'), 'relative-submit', async (data) => {
    await post(`/api/v1/persons/${encodeURIComponent(id)}/relatives`, { id_number: String(data.get('id_number') ?? '').trim(), relation: data.get('relation') });
    return t('已登记家属。');
  }, refresh);
}

/**
 * The agency opens a recovery for a loss it found itself (R7.3): the loss,
 * its date and the basis; payment stops and each benefit the loss concerns
 * gets its case.
 */
function recoveryDialog(b, name, refresh) {
  const fields = [
    field(t('丧失资格原因'), select('loss', LOSS_CODES.map((c) => [c, `${EVIDENCE[c][0]}${mark.open}${EVIDENCE[c][1]}${mark.close}`]), { empty: t('请选择') })),
    field(t('丧失资格日期'), h('input', { type: 'date', name: 'loss_date', max: todayChina(), required: true })),
    field(t('依据'), h('textarea', { name: 'note', rows: 3, maxlength: 500, required: true }), t('如：单位来函、死亡证明编号。最多500字。')),
  ];
  const intro = t('按本机构掌握的丧失资格情形开立追回：暂停发放，并对该情形涉及的每项待遇计算多领金额。');
  actionDialog(t('开立追回案件：{benefit}', { benefit: name }), intro, fields, t('开立案件'), 'open-recovery-submit', async (data) => {
    const payload = { benefit_id: b.benefit_id, note: String(data.get('note') ?? '').trim(), loss_date: data.get('loss_date') || null };
    if (data.get('loss')) payload.loss = lossOf(String(data.get('loss')));
    const r = await post('/api/v1/recoveries', payload);
    return t('已开立追回案件 {n} 件，相关待遇已暂停发放。', { n: r.recovery_ids.length });
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
        citedBy.get(ev).push({ benefit: label(BENEFIT_TYPES, b.benefit_type), reason: r });
      }
    }
  }
  const entries = [];
  for (const b of d.benefits ?? []) {
    entries.push({
      on: d.as_of,
      order: 3,
      kind: 'assessment',
      title: t('当前判定：{benefit} → {list}', { benefit: label(BENEFIT_TYPES, b.benefit_type), list: LISTS[b.list] ?? b.list }),
      source: t('系统按规则评估'),
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
      title: EVIDENCE[e.code]?.[0] ?? e.name_zh ?? e.code,
      source: t('来源：{source}；{occurred} 发生，{received} 收到', { source: sourceName(e.source), occurred: e.occurred_on, received: e.received_on }),
      requirement: [e.requirement],
      tag: label(EFFECTS, e.effect),
      body: [
        // Who held the phone or brought the person (R6.3); the person was the one checked.
        e.helper ? h('p', { dataset: { testid: 'evidence-helper' } }, t('协助人：{relation} {name}（本人刷脸）', { relation: label(RELATIVES, e.helper.relation), name: e.helper.name_masked })) : null,
        cites.length
          ? h('ul', { class: 'reason-list' }, cites.map((c) => h('li', {}, t('据此判定：'), c.benefit, ' — ', req(c.reason.requirement), ' ', pickMessage(c.reason))))
          : null,
        report ? button(t('撤回此申报'), () => retractionDialog(report, refresh), { class: 'small secondary', dataset: { testid: 'retract-death-report' } }) : null,
      ],
      id: e.id,
    });
  }
  for (const dec of d.decisions ?? []) {
    const o = dec.outcome ?? {};
    let text = label(OUTCOMES, o.outcome);
    if (o.outcome === 'not_eligible') text = t('{outcome}：{reason}，丧失资格日期 {date}', { outcome: text, reason: EVIDENCE[o.reason?.type]?.[0] ?? lossName(o.reason), date: o.loss_date ?? '—' });
    entries.push({
      on: dec.decided_on,
      order: 1,
      kind: `decision outcome-${o.outcome}`,
      title: t('核实结果：{outcome}', { outcome: text }),
      source: t('经办人：{actor}', { actor: actorName(dec.decided_by) }),
      requirement: [o.outcome === 'eligible' ? 'R6.6' : 'R7.1'],
      tag: t('经办决定'),
      body: (citedBy.get(dec.id) ?? []).length ? h('p', {}, t('被当前判定引用')) : null,
    });
  }
  for (const item of history) {
    entries.push({
      on: item.at,
      order: 0,
      kind: 'history',
      title: historyTitle(item),
      source: `${actorName(item.actor)}${mark.comma}${dateTime(item.at)}`,
      requirement: ['R3.1'],
      tag: item.entity === 'benefit' ? t('待遇变更') : t('信息变更'),
    });
  }
  entries.sort((a, b) => String(b.on).slice(0, 10).localeCompare(String(a.on).slice(0, 10)) || b.order - a.order);

  const list = h(
    'ol',
    { class: 'timeline', dataset: { testid: 'timeline' }, 'aria-label': t('证据时间线') },
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
    h('h2', { id: 'timeline-title' }, t('证据时间线')),
    h('p', { class: 'muted' }, t('按时间倒序：哪一来源、何时、说明了什么，以及依据哪条要求（R编号）作出判定。')),
    entries.length ? list : h('p', {}, t('暂无记录')),
  );
}

const SOURCES = {
  roster: t('花名册导入'),
  activity_sign_in: t('活动签到表'),
  household_survey: t('全民参保登记调查表'),
  self_service: t('本人自助认证'),
  face: t('人脸识别认证'),
  staff: t('经办人员'),
  death_report: t('家属申报'),
};
function sourceName(source) {
  if (!source) return '—';
  if (SOURCES[source]) return SOURCES[source];
  if (source.startsWith('partner:')) return t('数据共享单位 {partner}', { partner: source.slice(8) });
  return source;
}

function actorName(actor) {
  if (!actor) return '—';
  if (actor.startsWith('staff:')) return t('工作人员（{staff}）', { staff: actor.slice(6) });
  if (actor.startsWith('system')) return t('系统');
  if (actor.startsWith('partner:')) return t('数据共享单位 {partner}', { partner: actor.slice(8) });
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
    return item.entity === 'benefit' ? t('登记待遇：{benefit}', { benefit: label(BENEFIT_TYPES, item.new) }) : t('登记人员（{source}）', { source: item.new === 'roster' ? t('花名册导入') : item.new ?? '' });
  }
  if (item.field === 'payment_status') return t('待遇状态：{old} → {new}', { old: label(PAYMENT, item.old), new: label(PAYMENT, item.new) });
  return `${what}${mark.colon}${item.old ?? t('（空）')} → ${item.new ?? t('（空）')}`;
}

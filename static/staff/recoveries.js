// 待遇追回 (R7.3–R7.6, R9.3): recovery cases, the printable notice, payments,
// instalment agreements, the employer deduction, escalation and blacklist.

import { ApiError, get, post, fetchBlob, query } from './api.js';
import { h, clear, table, field, select, badge, yuan, parseYuan, date, problemBox, showError, success, announce, modal, busy, button, todayChina, saveBlob } from './ui.js';
import { RECOVERY_STATUS, PAYMENT_KINDS, MANAGEMENT, label, BENEFIT_TYPES } from './labels.js';
import { localProblem, mark, t } from './i18n.js';

export async function render(main, route, ctx) {
  await ctx.loadOrgs();
  if (route.parts[0]) return detail(main, route.parts[0], ctx);
  const status = Object.keys(RECOVERY_STATUS).includes(route.params.get('status')) ? route.params.get('status') : 'open';
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('待遇追回')), h('p', { class: 'muted' }, t('多领社会保险待遇的追回案件：核查告知、陪同清退（R7.3）。'))),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('案件状态') },
      h('a', { href: '#/recoveries', 'aria-current': status === 'open' ? 'page' : null }, t('追回中')),
      h('a', { href: '#/recoveries?status=recovered', 'aria-current': status === 'recovered' ? 'page' : null }, t('已追回')),
      h('a', { href: '#/recoveries?status=withdrawn', 'aria-current': status === 'withdrawn' ? 'page' : null }, t('已撤销')),
    ),
  );
  const result = await get(`/api/v1/recoveries${query({ status, per_page: 100 })}`);
  main.append(
    table({
      caption: t('{status}的案件', { status: RECOVERY_STATUS[status] }),
      columns: [
        { label: t('人员'), cell: (c) => h('span', {}, c.person?.name ?? '', h('br'), h('span', { class: 'mono small' }, c.person?.id_number_masked ?? '')), rowHeader: true },
        { label: t('多领金额'), class: 'num', cell: (c) => yuan(c.amount_fen) },
        { label: t('已退还'), class: 'num', cell: (c) => yuan(c.paid_fen) },
        { label: t('尚欠'), class: 'num', cell: (c) => yuan(c.amount_fen - c.paid_fen) },
        { label: t('丧失资格日期'), cell: (c) => date(c.loss_date) },
        { label: t('退还期限'), cell: (c) => (c.refund_deadline ? [date(c.refund_deadline), c.status === 'open' && c.refund_deadline < todayChina() ? [' ', badge(t('已逾期'), 'bad')] : null] : badge(t('通知书未送达'), 'warn')) },
        { label: t('状态'), cell: (c) => [badge(label(RECOVERY_STATUS, c.status), c.status === 'open' ? 'warn' : 'ok'), c.withdrawn_reason ? h('p', { class: 'small' }, `${c.withdrawn_on}${mark.colon}${c.withdrawn_reason}`) : null] },
        { label: t('操作'), cell: (c) => h('a', { href: `#/recoveries/${encodeURIComponent(c.recovery_id)}`, class: 'row-action' }, t('办理'), h('span', { class: 'visually-hidden' }, `${mark.colon}${c.person?.name ?? ''}`)) },
      ],
      rows: result.items ?? [],
      rowAttrs: () => ({ dataset: { testid: 'recovery-row' } }),
      empty: t('没有案件'),
    }),
  );
}

async function detail(main, id, ctx) {
  const c = await get(`/api/v1/recoveries/${encodeURIComponent(id)}`);
  const feedback = h('div');
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/recoveries' }, t('待遇追回')), ' › ', c.person?.name ?? id),
    h('div', { class: 'page-head' }, h('h1', {}, t('追回案件：{name}', { name: c.person?.name ?? '' })), h('p', { class: 'muted' }, t('{benefit} · 案件编号 {id}', { benefit: label(BENEFIT_TYPES, c.benefit_type), id: c.recovery_id }))),
    feedback,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'facts' },
      h('h2', { id: 'facts' }, t('案件情况')),
      h(
        'dl',
        { class: 'facts' },
        f(t('公民身份号码'), h('span', { class: 'mono' }, c.person?.id_number_masked ?? '')),
        f(t('丧失资格日期'), c.loss_date),
        f(t('待遇发放至'), c.paid_through),
        f(t('每月待遇'), yuan(c.monthly_fen)),
        f(t('多领金额'), h('strong', {}, yuan(c.amount_fen))),
        f(t('已退还'), yuan(c.paid_fen)),
        f(t('尚欠'), h('strong', {}, yuan(c.outstanding_fen))),
        f(t('通知书送达'), c.served_on ? t('{served}，限 {deadline} 前退还', { served: c.served_on, deadline: c.refund_deadline }) : t('尚未送达')),
        f(t('管理方式'), `${label(MANAGEMENT, c.management)}${c.employer_id ? `${mark.open}${ctx.orgName(c.employer_id)}${mark.close}` : ''}`),
        f(t('参保地'), ctx.orgName(c.insured_district)),
        f(t('拒不退还次数'), String(c.refusals ?? 0)),
        f(t('失信黑名单'), c.blacklisted_on ? (c.blacklist_lifted_on ? t('{listed} 列入，{lifted} 移出', { listed: c.blacklisted_on, lifted: c.blacklist_lifted_on }) : t('{listed} 列入', { listed: c.blacklisted_on })) : t('未列入')),
        c.employer_remainder_fen !== null && c.employer_remainder_fen !== undefined ? f(t('单位追回部分'), yuan(c.employer_remainder_fen)) : null,
        f(t('状态'), badge(label(RECOVERY_STATUS, c.status), c.status === 'open' ? 'warn' : 'ok')),
        c.withdrawn_on ? f(t('撤销'), t('{on}：{reason}；已退还的款项随下月待遇退回', { on: c.withdrawn_on, reason: c.withdrawn_reason ?? '' })) : null,
      ),
    ),
  );

  const reload = () => ctx.navigate(`#/recoveries/${encodeURIComponent(id)}`);
  const done = (text) => {
    clear(feedback).append(success(text));
    announce(text);
  };
  const open = c.status === 'open';
  const actions = h('div', { class: 'action-bar' });
  actions.append(button(t('查看、打印通知书'), () => showNotice(id, feedback), { class: 'secondary', dataset: { testid: 'notice-open' } }));
  // The same notice for a person who reads Uyghur or English.
  actions.append(button(t('维吾尔文通知书'), () => showNotice(id, feedback, 'ug'), { class: 'secondary', dataset: { testid: 'notice-open-ug' } }));
  actions.append(button(t('英文通知书'), () => showNotice(id, feedback, 'en'), { class: 'secondary', dataset: { testid: 'notice-open-en' } }));
  if (open) {
    actions.append(
      button(c.served_on ? t('重新送达通知书') : t('登记通知书送达'), () => formDialog(t('登记通知书送达'), [['refund_days', t('退还期限（天）'), h('input', { type: 'number', name: 'refund_days', min: 7, max: 90, value: 30, required: true })]], async (d) => {
        await post(`/api/v1/recoveries/${encodeURIComponent(id)}/notice`, { refund_days: Number(d.refund_days) });
        done(t('已登记通知书送达。'));
        reload();
      }), { class: 'primary' }),
      button(t('登记还款'), () => formDialog(t('登记还款'), [
        ['amount', t('金额（元）'), h('input', { name: 'amount_fen', inputmode: 'decimal', required: true, placeholder: t('如 1200.50') }), t('尚欠 {amount}', { amount: yuan(c.outstanding_fen) })],
        ['paid_on', t('缴款日期'), h('input', { type: 'date', name: 'paid_on', max: todayChina(), value: todayChina(), required: true })],
      ], async (d) => {
        const fen = parseYuan(d.amount_fen);
        if (fen === null) throw new ApiError(422, localProblem('金额格式有误，请填写如 1200.50', {}, 'amount_fen'));
        await post(`/api/v1/recoveries/${encodeURIComponent(id)}/payments`, { amount_fen: fen, paid_on: d.paid_on });
        done(t('已登记还款 {amount}。', { amount: yuan(fen) }));
        reload();
      }), { class: 'primary', dataset: { testid: 'payment-open' } }),
    );
    if (ctx.can('decide_recovery') && (c.instalments ?? []).length === 0) {
      actions.append(button(t('批准分期还款'), () => formDialog(t('批准分期还款协议（R7.5）'), [
        ['count', t('期数'), h('input', { type: 'number', name: 'count', min: 2, max: 60, value: 6, required: true })],
        ['first_due', t('首期还款日'), h('input', { type: 'date', name: 'first_due', min: todayChina(), required: true })],
      ], async (d) => {
        await post(`/api/v1/recoveries/${encodeURIComponent(id)}/instalments`, { count: Number(d.count), first_due: d.first_due });
        done(t('已批准分期还款协议。'));
        reload();
      }), { class: 'secondary' }));
    }
    if (c.management === 'employer') {
      actions.append(button(t('丧葬费、抚恤金抵扣'), () => formDialog(t('从丧葬费、抚恤金中抵扣（R7.4）'), [
        ['funeral', t('丧葬费（元）'), h('input', { name: 'funeral_grant_fen', inputmode: 'decimal', required: true, value: '0' })],
        ['survivor', t('抚恤金（元）'), h('input', { name: 'survivor_pension_fen', inputmode: 'decimal', required: true, value: '0' })],
      ], async (d) => {
        const funeral = parseYuan(d.funeral_grant_fen);
        const survivor = parseYuan(d.survivor_pension_fen);
        if (funeral === null || survivor === null) throw new ApiError(422, localProblem('金额格式有误', {}, funeral === null ? 'funeral_grant_fen' : 'survivor_pension_fen'));
        await post(`/api/v1/recoveries/${encodeURIComponent(id)}/deduction`, { funeral_grant_fen: funeral, survivor_pension_fen: survivor });
        done(t('已登记抵扣，不足部分由单位追回。'));
        reload();
      }), { class: 'secondary' }));
    }
    actions.append(button(t('书面上报'), () => formDialog(t('拒不退还或违反分期协议，书面上报（R7.6）'), [
      ['evidence', t('催缴经过与证据'), h('textarea', { name: 'evidence', rows: 4, required: true })],
      ['refused', t('本人明确拒绝退还'), h('input', { type: 'checkbox', name: 'refused', value: 'true' })],
    ], async (d) => {
      await post(`/api/v1/recoveries/${encodeURIComponent(id)}/escalation`, { evidence: d.evidence, refused: d.refused === 'true' });
      done(t('已书面上报。'));
      reload();
    }), { class: 'secondary' }));
  }
  if (ctx.can('decide_recovery')) {
    const listed = c.blacklisted_on && !c.blacklist_lifted_on;
    actions.append(button(listed ? t('移出失信名单') : t('列入失信名单'), () => formDialog(listed ? t('移出社保失信黑名单') : t('列入社保失信黑名单（R9.3）'), [
      ['decision', t('决定文号及理由'), h('input', { name: 'decision', required: true })],
    ], async (d) => {
      await post(`/api/v1/recoveries/${encodeURIComponent(id)}/blacklist`, { action: listed ? 'lift' : 'list', decision: d.decision });
      done(listed ? t('已移出失信名单。') : t('已列入失信名单。'));
      reload();
    }), { class: 'danger' }));
  }
  main.append(h('section', { class: 'card', 'aria-labelledby': 'actions' }, h('h2', { id: 'actions' }, t('办理')), actions));

  if ((c.instalments ?? []).length) {
    main.append(h('section', { 'aria-labelledby': 'inst' }, h('h2', { id: 'inst' }, t('分期还款')), table({
      caption: t('分期还款计划'),
      columns: [
        { label: t('期次'), cell: (i) => t('第 {n} 期', { n: i.number }), rowHeader: true },
        { label: t('应还日期'), cell: (i) => date(i.due_on) },
        { label: t('应还金额'), class: 'num', cell: (i) => yuan(i.amount_fen) },
        { label: t('已还'), class: 'num', cell: (i) => yuan(i.paid_fen) },
        { label: t('逾期'), cell: (i) => (i.missed_on ? badge(t('{date} 逾期', { date: i.missed_on }), 'bad') : '—') },
      ],
      rows: c.instalments,
    })));
  }
  main.append(h('section', { 'aria-labelledby': 'pays' }, h('h2', { id: 'pays' }, t('还款记录')), table({
    caption: t('还款记录'),
    columns: [
      { label: t('日期'), cell: (p) => date(p.paid_on), rowHeader: true },
      { label: t('方式'), cell: (p) => label(PAYMENT_KINDS, p.kind) },
      { label: t('金额'), class: 'num', cell: (p) => yuan(p.amount_fen) },
    ],
    rows: c.payments ?? [],
    empty: t('尚无还款'),
  })));
  if ((c.escalations ?? []).length) {
    main.append(h('section', { 'aria-labelledby': 'esc' }, h('h2', { id: 'esc' }, t('上报记录')), table({
      caption: t('书面上报记录'),
      columns: [
        { label: t('日期'), cell: (e) => date(e.created_on), rowHeader: true },
        { label: t('上报至'), cell: (e) => ctx.orgName(e.org_id) },
        { label: t('层级'), cell: (e) => e.level },
        { label: t('事由'), cell: (e) => e.reason },
      ],
      rows: c.escalations,
    })));
  }
}

function f(term, value) {
  return [h('dt', {}, term), h('dd', {}, value ?? '—')];
}

/** A dialog with a form of labelled fields; `work(data)` runs on submit. */
function formDialog(title, fields, work) {
  const { body, close } = modal(title);
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('确定'));
  const form = h('form', { class: 'stack' }, fields.map(([, text, control, hint]) => h('div', {}, (() => {
    const wrap = h('div', { class: control.type === 'checkbox' ? 'field check' : 'field' });
    control.id = control.id || `fd-${Math.random().toString(36).slice(2)}`;
    if (control.type === 'checkbox') wrap.append(control, h('label', { for: control.id }, text));
    else wrap.append(h('label', { for: control.id }, text), control);
    if (hint) wrap.append(h('span', { class: 'hint' }, hint));
    return wrap;
  })())), errors, h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const data = Object.fromEntries(new FormData(form));
    await busy(submit, async () => {
      try {
        await work(data);
        close();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
  form.querySelector('input, textarea, select')?.focus();
}

/**
 * The notice (限期退还多领社会保险待遇通知书): fetched with the token and shown
 * in a print preview; its own inline styles are replaced by the console's
 * print stylesheet (the page's CSP allows no inline styles).
 */
async function showNotice(id, feedback, lang = 'zh') {
  let html;
  try {
    html = await (await fetchBlob(`/api/v1/recoveries/${encodeURIComponent(id)}/notice?lang=${lang}`, 'text/html')).text();
  } catch (error) {
    clear(feedback).append(problemBox(error));
    return;
  }
  // The notice's own style element goes before parsing: even a parsed
  // document's inline style counts against the console's CSP.
  const doc = new DOMParser().parseFromString(html.replace(/<style[\s\S]*?<\/style>/gi, ''), 'text/html');
  for (const el of doc.querySelectorAll('script, style, link, [style]')) {
    if (el.matches('script, style, link')) el.remove();
    else el.removeAttribute('style');
  }
  // The sheet keeps the notice's language and direction (Uyghur is right to left).
  const sheet = h('article', { class: 'notice-sheet', lang: doc.documentElement.lang, dir: doc.documentElement.dir || 'ltr', dataset: { testid: 'notice-sheet' } });
  for (const node of [...doc.body.childNodes]) sheet.append(document.importNode(node, true));
  const { body, dialog } = modal(t('限期退还多领社会保险待遇通知书'));
  dialog.classList.add('print-dialog');
  document.body.classList.add('printing-notice');
  dialog.addEventListener('close', () => document.body.classList.remove('printing-notice'));
  body.append(
    h('div', { class: 'dialog-actions no-print' }, button(t('打印'), () => window.print(), { class: 'primary' }), button(t('下载HTML'), async () => {
      saveBlob(new Blob([html], { type: 'text/html' }), t('通知书-{id}-{lang}.html', { id, lang }));
    }, { class: 'secondary' })),
    sheet,
  );
}

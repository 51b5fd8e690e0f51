// 审计日志 (R8.1, R9.2): the hash-chained audit trail, oldest first, paged
// by sequence number, and a check of the whole chain.

import { get, query } from './api.js';
import { h, clear, table, field, number, dateTime, problemBox, success, announce, busy, button } from './ui.js';
import { AUDIT_ACTIONS, ROLES, label } from './labels.js';
import { mark, t } from './i18n.js';

const PER_PAGE = 50;

export async function render(main, route, ctx) {
  const after = Math.max(0, Math.trunc(Number(route.params.get('after'))) || 0);
  main.append(h('div', { class: 'page-head' }, h('h1', {}, t('审计日志')), h('p', { class: 'muted' }, t('登录、查阅、导出、修改和决定等操作的记录，逐条以哈希链相连，任何改动或删除都会使链条断开（R8.1、R9.2）。'))));

  // The chain check.
  const verdict = h('div', { 'aria-live': 'polite', dataset: { testid: 'audit-verify-result' } });
  const verifyButton = button(t('校验哈希链'), () =>
    busy(verifyButton, async () => {
      clear(verdict);
      try {
        const r = await get('/api/v1/audit/verify');
        if (r.intact) {
          const text = t('审计日志完好：共 {n} 条记录，哈希链逐条核对无断开。', { n: number(r.records) });
          verdict.append(success(text), h('p', {}, h('a', { href: `#/audit${query({ after: Math.max(0, r.records - PER_PAGE) })}` }, t('查看最新记录'))));
          announce(text);
        } else {
          verdict.append(
            h(
              'div',
              { class: 'problem', role: 'alert' },
              h('p', { class: 'problem-main' }, t('审计日志的哈希链在第 {seq} 条记录处断开，记录可能被改动或删除，请立即报告。', { seq: r.first_broken_seq ?? '?' })),
              h('p', { class: 'problem-second', lang: 'en' }, r.problem ?? 'The hash chain is broken'),
            ),
            r.first_broken_seq ? h('p', {}, h('a', { href: `#/audit${query({ after: Math.max(0, r.first_broken_seq - 1) })}` }, t('查看第 {seq} 条起的记录', { seq: r.first_broken_seq }))) : null,
          );
        }
      } catch (error) {
        verdict.append(problemBox(error));
      }
    }), { class: 'primary', dataset: { testid: 'audit-verify' } });

  const from = h('input', { type: 'number', name: 'after', min: 0, step: 1, value: String(after), inputmode: 'numeric' });
  const jump = h('form', { class: 'filters inline', 'aria-label': t('跳转到序号') }, field(t('从序号之后'), from, t('0 为最早的记录')), h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'secondary' }, t('查看'))));
  jump.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/audit${query({ after: Math.max(0, Math.trunc(Number(from.value)) || 0) || '' })}`);
  });

  main.append(
    h('section', { class: 'card', 'aria-labelledby': 'chain-title' }, h('h2', { id: 'chain-title' }, t('完整性校验')), h('p', { class: 'muted' }, t('从第一条记录起重新计算哈希链，报告第一处断开的位置。')), h('div', { class: 'action-bar' }, verifyButton), verdict),
    jump,
  );

  // Names for staff ids, where the role may list the accounts.
  const names = new Map();
  if (ctx.can('manage_staff')) {
    try {
      for (const s of (await get('/api/v1/staff')).items ?? []) names.set(`staff:${s.id}`, `${s.display_name}${mark.open}${s.username}${mark.close}`);
    } catch {
      // Ids stand in for names.
    }
  }
  const actor = (a) => names.get(a) ?? a ?? '—';

  const slot = h('div');
  main.append(slot);
  let r;
  try {
    r = await get(`/api/v1/audit${query({ after, limit: PER_PAGE })}`);
  } catch (error) {
    slot.append(problemBox(error));
    return;
  }
  const items = r.items ?? [];
  const first = items[0]?.seq;
  const last = items[items.length - 1]?.seq;
  slot.append(
    table({
      caption: items.length ? t('审计记录：第 {first} 至 {last} 条（按序号）', { first, last }) : t('审计记录'),
      columns: [
        { label: t('序号'), class: 'num', cell: (e) => String(e.seq), rowHeader: true },
        { label: t('时间'), class: 'date', cell: (e) => dateTime(e.at) },
        { label: t('操作人'), cell: (e) => h('span', { class: 'small' }, actor(e.actor)) },
        { label: t('角色'), cell: (e) => label(ROLES, e.role) },
        { label: t('事项'), cell: (e) => h('span', {}, label(AUDIT_ACTIONS, e.action), h('br'), h('span', { class: 'mono small muted' }, e.action)) },
        { label: t('对象'), cell: (e) => h('span', { class: 'mono small wrap' }, e.object || '—') },
        { label: t('哈希'), cell: (e) => h('code', { class: 'mono small', title: e.hash }, `${String(e.hash ?? '').slice(0, 12)}…`) },
      ],
      rows: items,
      rowAttrs: () => ({ dataset: { testid: 'audit-row' } }),
      empty: after ? t('该序号之后没有记录') : t('暂无审计记录'),
    }),
  );
  const link = (to, text) => h('a', { href: `#/audit${query({ after: to || '' })}`, class: 'button-link' }, text);
  if (after > 0 || items.length === PER_PAGE) {
    slot.append(
      h(
        'nav',
        { class: 'pager', 'aria-label': t('审计记录翻页') },
        after > 0 ? link(Math.max(0, after - PER_PAGE), t('上一页')) : null,
        items.length ? h('span', {}, t('第 {first}–{last} 条', { first, last })) : null,
        items.length === PER_PAGE ? link(last, t('下一页')) : null,
      ),
    );
  }
}

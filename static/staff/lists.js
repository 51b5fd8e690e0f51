// 三类名单 (R5.4): eligible, lost, to_verify, with filters, paging, the
// domain's reasons per row and a CSV or Excel export (fetched with the token).

import { get, fetchBlob, query } from './api.js';
import { h, clear, table, field, select, badge, req, number, date, problemBox, announce, saveBlob, busy, button } from './ui.js';
import { LISTS, LIST_SHORT, BENEFIT_TYPES, CODES, PAYMENT, channelName, label } from './labels.js';
import { mark, pickName, t, pickMessage } from './i18n.js';

const KINDS = ['eligible', 'to_verify', 'lost'];
const FILTERS = ['district', 'community', 'employer', 'benefit_type', 'channel', 'certified_from', 'certified_to'];
const PER_PAGE = 50;

export async function render(main, route, ctx) {
  const kind = KINDS.includes(route.parts[0]) ? route.parts[0] : 'to_verify';
  const params = route.params;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? '']));
  const orgs = await ctx.loadOrgs();

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('三类名单')), h('p', { class: 'muted' }, t('信息比对形成的名单（R5.4），每行附判定原因及所依据的要求编号。'))),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('名单类别') },
      KINDS.map((k) =>
        h('a', { href: `#/lists/${k}${query(filters)}`, 'aria-current': k === kind ? 'page' : null, dataset: { testid: `list-tab-${k}` } }, LISTS[k]),
      ),
    ),
  );

  // Filters.
  const byKind = (k) => orgs.filter((o) => o.kind === k).map((o) => [o.division_code ?? o.id, o.name]);
  const form = h(
    'form',
    { class: 'filters', 'aria-label': t('筛选条件') },
    field(t('参保地（区县）'), select('district', byKind('district'), { value: filters.district, empty: t('全部') })),
    field(t('所在社区'), select('community', orgs.filter((o) => o.kind === 'community').map((o) => [o.id, o.name]), { value: filters.community, empty: t('全部') })),
    field(t('管理单位（企业）'), select('employer', orgs.filter((o) => o.kind === 'employer').map((o) => [o.id, o.name]), { value: filters.employer, empty: t('全部') })),
    field(t('待遇类别'), select('benefit_type', Object.entries(BENEFIT_TYPES), { value: filters.benefit_type, empty: t('全部') })),
    field(t('认证方式'), select('channel', (CODES.evidence ?? []).filter((e) => e.effect === 'proof_of_life').map((e) => [e.code, pickName(e)]), { value: filters.channel, empty: t('全部') })),
    field(t('认证日期从'), h('input', { type: 'date', name: 'certified_from', value: filters.certified_from })),
    field(t('认证日期至'), h('input', { type: 'date', name: 'certified_to', value: filters.certified_to })),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'primary' }, t('查询')), h('a', { href: `#/lists/${kind}`, class: 'button-link' }, t('清除条件'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    ctx.navigate(`#/lists/${kind}${query(data)}`);
  });
  main.append(form);

  const slot = h('div', { class: 'list-result' });
  main.append(slot);
  let result;
  try {
    result = await get(`/api/v1/lists/${kind}${query({ ...filters, page, per_page: PER_PAGE })}`);
  } catch (error) {
    slot.append(problemBox(error));
    return;
  }

  const exportSlot = h('div', { class: 'export-status', 'aria-live': 'polite' });
  const exportButton = button(t('导出CSV'), async () => {
    await busy(exportButton, async () => {
      clear(exportSlot);
      try {
        const blob = await fetchBlob(`/api/v1/lists/${kind}/export${query(filters)}`, 'text/csv');
        const fileName = `${LISTS[kind]}-${new Date().toISOString().slice(0, 10)}.csv`;
        saveBlob(blob, fileName);
        exportSlot.append(h('span', { class: 'muted' }, t('已导出“{file}”（UTF-8，可用Excel打开；导出已记录审计日志）', { file: fileName })));
        announce(t('名单已导出'));
      } catch (error) {
        exportSlot.append(problemBox(error));
      }
    });
  }, { class: 'secondary', dataset: { testid: 'export-csv' } });
  const xlsxButton = button(t('导出Excel'), async () => {
    await busy(xlsxButton, async () => {
      clear(exportSlot);
      try {
        const blob = await fetchBlob(`/api/v1/lists/${kind}/export${query({ ...filters, format: 'xlsx' })}`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        const fileName = `${LISTS[kind]}-${new Date().toISOString().slice(0, 10)}.xlsx`;
        saveBlob(blob, fileName);
        exportSlot.append(h('span', { class: 'muted' }, t('已导出“{file}”（Excel工作簿，最多5万行；导出已记录审计日志）', { file: fileName })));
        announce(t('名单已导出为Excel'));
      } catch (error) {
        exportSlot.append(problemBox(error));
      }
    });
  }, { class: 'secondary', dataset: { testid: 'export-xlsx' } });

  const total = result.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  slot.append(
    h(
      'div',
      { class: 'toolbar' },
      h('p', { class: 'count', dataset: { testid: 'list-total' } }, h('strong', {}, LISTS[kind] ?? result.list_name_zh), pages > 1 ? t('：共 {n} 笔，第 {page}/{pages} 页', { n: number(total), page, pages }) : t('：共 {n} 笔', { n: number(total) })),
      h('div', { class: 'toolbar-actions' }, exportButton, xlsxButton),
    ),
    exportSlot,
  );
  if (result.reassessment_pending > 0) {
    slot.append(h('p', { class: 'notice warn', dataset: { testid: 'reassessment-pending' } }, t('另有 {n} 人已由数据比对视同认证，将在下次定时任务后更新到名单中。', { n: number(result.reassessment_pending) })));
  }

  slot.append(
    table({
      caption: t('{list}（第 {page} 页）', { list: LISTS[kind], page }),
      columns: [
        { label: t('姓名'), cell: (r) => r.person?.name ?? '—', rowHeader: true },
        { label: t('公民身份号码'), cell: (r) => h('span', { class: 'mono' }, r.person?.id_number_masked ?? '—') },
        { label: t('待遇类别'), cell: (r) => label(BENEFIT_TYPES, r.benefit_type) },
        { label: t('参保地'), cell: (r) => ctx.orgName(r.person?.insured_district) },
        { label: t('所在社区'), cell: (r) => (r.person?.employer_id ? `${ctx.orgName(r.person?.community_id)}${mark.open}${ctx.orgName(r.person.employer_id)}${mark.close}` : ctx.orgName(r.person?.community_id)) },
        { label: t('认证日期'), cell: (r) => date(r.certified_on) },
        { label: t('认证方式'), cell: (r) => channelName(r.certified_by) },
        { label: t('应认证日期'), cell: (r) => date(r.cycle_due) },
        { label: t('待遇状态'), cell: (r) => badge(label(PAYMENT, r.payment_status), r.payment_status) },
        { label: t('原因'), class: 'reasons', cell: (r) => reasons(r.reasons) },
        { label: t('操作'), cell: (r) => h('a', { href: `#/persons/${encodeURIComponent(r.person?.person_id ?? '')}`, class: 'row-action' }, t('查看档案'), h('span', { class: 'visually-hidden' }, `${mark.colon}${r.person?.name ?? ''}`)) },
      ],
      rows: result.items ?? [],
      rowAttrs: () => ({ dataset: { testid: 'list-row' } }),
      empty: t('没有符合条件的记录'),
    }),
  );

  if (pages > 1) {
    const link = (p, text) => h('a', { href: `#/lists/${kind}${query({ ...filters, page: p })}`, class: 'button-link' }, text);
    slot.append(
      h('nav', { class: 'pager', 'aria-label': t('翻页') }, page > 1 ? link(page - 1, t('上一页')) : null, h('span', {}, t('第 {page} / {pages} 页', { page, pages })), page < pages ? link(page + 1, t('下一页')) : null),
    );
  }
}


/** The domain's reasons: message (in the current language) and the requirement that decided. */
export function reasons(list) {
  if (!Array.isArray(list) || list.length === 0) return '—';
  return h('ul', { class: 'reason-list' }, list.map((r) => h('li', {}, req(r.requirement), ' ', pickMessage(r))));
}

export { LIST_SHORT };

// 机构与账号: the organisation tree (R2.1; `manage_orgs`), staff accounts
// whose role fits their organisation (R2.3; `manage_staff`) and the
// working-day calendar loaded each year from the State Council's notice
// and the cycle policies (`manage_orgs`).

import { ApiError, get, post, patch, upload, query } from './api.js';
import { h, clear, table, field, select, badge, dateTime, problemBox, showError, success, announce, modal, busy, button, todayChina, fetchInto } from './ui.js';
import { ROLES, ORG_KINDS, ROLE_ORG_KINDS, ORG_PARENT_KINDS, label } from './labels.js';
import { localProblem, mark, t } from './i18n.js';

const ORG_ID = /^[A-Za-z0-9_-]{1,40}$/;
const USERNAME = /^[A-Za-z0-9._-]{3,40}$/;
const MIN_PASSWORD = 10;

export async function render(main, route, ctx) {
  const tabs = [
    ['orgs', t('机构'), ctx.can('manage_orgs')],
    ['staff', t('工作人员账号'), ctx.can('manage_staff')],
    ['calendar', t('工作日历'), ctx.can('manage_orgs')],
    ['policies', t('认证周期'), ctx.can('manage_orgs')],
  ].filter((tab) => tab[2]);
  const current = tabs.find((tab) => tab[0] === route.parts[0]) ?? tabs[0];
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('机构与账号')), h('p', { class: 'muted' }, t('机构树决定每个账号的管辖范围（R2.1、R2.3）；账号的角色须与所属机构的类别相符。'))),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('管理类别') },
      tabs.map(([id, text]) => h('a', { href: `#/admin/${id}`, 'aria-current': id === current[0] ? 'page' : null, dataset: { testid: `admin-tab-${id}` } }, text)),
    ),
  );
  if (current[0] === 'staff') return staffAccounts(main, ctx);
  if (current[0] === 'calendar') return calendar(main);
  if (current[0] === 'policies') return (await import('./policies.js')).render(main);
  return organisations(main, route, ctx);
}

// ----- organisations -----

/** A confirmation to show once the screen is drawn again. */
let pendingNotice = null;

/** The organisations in tree order, each with its depth. */
function treeOrder(orgs) {
  const children = new Map();
  const ids = new Set(orgs.map((o) => o.id));
  for (const o of orgs) {
    const parent = o.parent_id && ids.has(o.parent_id) ? o.parent_id : '';
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(o);
  }
  const out = [];
  const walk = (parent, depth) => {
    for (const o of children.get(parent) ?? []) {
      out.push({ ...o, depth });
      walk(o.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

async function organisations(main, route, ctx) {
  const orgs = await ctx.reloadOrgs();
  const kindFilter = route.params.get('kind') ?? '';
  const feedback = h('div', { 'aria-live': 'polite', dataset: { testid: 'org-feedback' } });
  if (pendingNotice) feedback.append(success(pendingNotice));
  pendingNotice = null;
  main.append(feedback, orgForm(orgs, ctx));

  const filter = select('kind', Object.entries(ORG_KINDS), { value: kindFilter, empty: t('全部') });
  const form = h('form', { class: 'filters inline', 'aria-label': t('机构筛选') }, field(t('类别'), filter), h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'secondary' }, t('筛选'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/admin/orgs${query({ kind: filter.value })}`);
  });
  const rows = treeOrder(orgs).filter((o) => !kindFilter || o.kind === kindFilter);
  main.append(
    form,
    table({
      caption: t('机构（{kind}，共 {n} 个）', { kind: kindFilter ? label(ORG_KINDS, kindFilter) : t('按隶属关系'), n: rows.length }),
      columns: [
        { label: t('名称'), cell: (o) => h('span', { class: kindFilter ? null : `depth depth-${Math.min(o.depth, 5)}` }, o.name), rowHeader: true },
        { label: t('机构代码'), cell: (o) => h('span', { class: 'mono small' }, o.id) },
        { label: t('类别'), cell: (o) => label(ORG_KINDS, o.kind) },
        { label: t('上级机构'), cell: (o) => (o.parent_id ? ctx.orgName(o.parent_id) : '—') },
        { label: t('行政区划代码'), cell: (o) => (o.division_code ? h('span', { class: 'mono' }, o.division_code) : '—') },
      ],
      rows,
      rowAttrs: () => ({ dataset: { testid: 'org-row' } }),
      empty: t('没有机构'),
    }),
  );
}

function orgForm(orgs, ctx) {
  const kinds = Object.keys(ORG_PARENT_KINDS);
  const kind = select('kind', kinds.map((k) => [k, ORG_KINDS[k]]), { empty: t('请选择'), attrs: { required: true, dataset: { testid: 'org-kind' } } });
  const parent = select('parent_id', [], { empty: t('请先选择类别'), attrs: { required: true, dataset: { testid: 'org-parent' } } });
  const id = h('input', { name: 'id', required: true, maxlength: 40, autocomplete: 'off', pattern: '[A-Za-z0-9_-]{1,40}', dataset: { testid: 'org-id' } });
  const name = h('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off', dataset: { testid: 'org-name' } });
  const code = h('input', { name: 'division_code', inputmode: 'numeric', maxlength: 6, pattern: '[0-9]{6}', autocomplete: 'off' });
  const codeField = field(t('行政区划代码'), code, t('区（县）必填，6位数字，如 650102'));
  codeField.hidden = true;
  kind.addEventListener('change', () => {
    const fits = ORG_PARENT_KINDS[kind.value] ?? [];
    clear(parent).append(h('option', { value: '' }, fits.length ? t('请选择') : t('请先选择类别')));
    for (const o of orgs.filter((x) => fits.includes(x.kind))) parent.append(h('option', { value: o.id }, `${o.name}${mark.open}${o.id}${mark.close}`));
    codeField.hidden = kind.value !== 'district';
  });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'org-submit' } }, t('新建机构'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'filters' }, field(t('类别'), kind), field(t('上级机构'), parent), field(t('机构代码'), id, t('字母、数字、-和_，最长40位；建后不能修改')), field(t('机构名称'), name), codeField),
    errors,
    h('div', { class: 'filter-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const fail = (problem) => showError(errors, new ApiError(422, problem), form);
    if (!kind.value) return fail(localProblem('请选择机构类别', {}, 'kind'));
    if (!parent.value) return fail(localProblem('请选择上级机构', {}, 'parent_id'));
    if (!ORG_ID.test(id.value.trim())) return fail(localProblem('机构代码只能包含字母、数字、-和_，最长40位', {}, 'id'));
    if (!name.value.trim()) return fail(localProblem('请填写机构名称', {}, 'name'));
    if (kind.value === 'district' && !/^\d{6}$/.test(code.value.trim())) return fail(localProblem('区（县）须有6位行政区划代码', {}, 'division_code'));
    const body = { id: id.value.trim(), parent_id: parent.value, kind: kind.value, name: name.value.trim() };
    if (kind.value === 'district') body.division_code = code.value.trim();
    await busy(submit, async () => {
      try {
        await post('/api/v1/orgs', body);
        const text = t('已新建{kind}“{name}”（{id}）。', { kind: ORG_KINDS[body.kind], name: body.name, id: body.id });
        announce(text);
        // The screen is drawn again with the new organisation; the confirmation goes on top.
        pendingNotice = text;
        ctx.navigate('#/admin/orgs');
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  return h('details', { class: 'card' }, h('summary', { dataset: { testid: 'org-create' } }, t('新建机构')), form);
}

// ----- staff accounts -----

/** A random password of 14 characters without look-alikes (0/O, 1/l/I). */
function randomPassword() {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The password to hand over, shown once. */
function passwordBox(title, username, password) {
  return h(
    'div',
    { class: 'notice warn secret-box', role: 'alert', dataset: { testid: 'staff-password' } },
    h('h2', {}, title),
    h('p', {}, h('strong', {}, t('初始密码只显示这一次，')), t('请当面或通过安全渠道交给 {username} 本人，并提醒其妥善保管。', { username })),
    h('code', { class: 'secret' }, password),
  );
}

function passwordField(name, testid) {
  const input = h('input', { type: 'text', name, minlength: MIN_PASSWORD, autocomplete: 'new-password', spellcheck: 'false', class: 'mono', dataset: { testid } });
  const generate = button(t('生成随机密码'), () => {
    input.value = randomPassword();
    input.dataset.generated = input.value;
    input.focus();
  }, { class: 'small ghost' });
  return { input, wrap: h('div', { class: 'field' }, field(t('初始密码'), input, t('至少{n}位', { n: MIN_PASSWORD })), generate) };
}

async function staffAccounts(main, ctx) {
  const orgs = await ctx.loadOrgs();
  const feedback = h('div', { 'aria-live': 'polite', dataset: { testid: 'staff-feedback' } });
  const slot = h('div');
  const load = async () => {
    const r = await fetchInto(slot, '/api/v1/staff');
    if (!r) return;
    slot.append(
      table({
        caption: t('工作人员账号（共 {n} 个）', { n: (r.items ?? []).length }),
        columns: [
          { label: t('用户名'), cell: (s) => h('span', { class: 'mono' }, s.username), rowHeader: true },
          { label: t('姓名'), cell: (s) => s.display_name },
          { label: t('角色'), cell: (s) => label(ROLES, s.role) },
          { label: t('所属机构'), cell: (s) => ctx.orgName(s.org) },
          {
            label: t('状态'),
            cell: (s) => [
              s.disabled ? badge(t('已停用'), 'bad') : s.awaiting_confirmation ? badge(t('待本机构确认'), 'warn') : badge(t('已启用'), 'ok'),
              s.locked ? [' ', badge(t('已锁定'), 'warn')] : null,
            ],
          },
          { label: t('操作'), cell: (s) => staffActions(s, ctx, feedback, load) },
        ],
        rows: r.items ?? [],
        rowAttrs: (s) => ({ dataset: { testid: 'staff-row', username: s.username } }),
        empty: t('没有账号'),
      }),
    );
  };
  main.append(feedback, staffForm(orgs, feedback, load), slot);
  await load();
}

function staffActions(s, ctx, feedback, reload) {
  const self = ctx.me?.id === s.id;
  const act = (change, text) => async () => {
    try {
      await patch(`/api/v1/staff/${encodeURIComponent(s.id)}`, change);
      clear(feedback).append(success(text));
      announce(text);
      await reload();
    } catch (error) {
      clear(feedback).append(problemBox(error));
    }
  };
  return h(
    'div',
    { class: 'row-actions' },
    self ? h('span', { class: 'small muted' }, t('当前账号')) : button(s.disabled ? t('启用') : t('停用'), act({ disabled: !s.disabled }, s.disabled ? t('{username} 已启用。', { username: s.username }) : t('{username} 已停用。', { username: s.username })), { class: s.disabled ? 'small secondary' : 'small danger', 'aria-label': s.disabled ? t('启用账号 {username}', { username: s.username }) : t('停用账号 {username}', { username: s.username }) }),
    s.locked ? button(t('解锁'), act({ unlock: true }, t('{username} 已解锁。', { username: s.username })), { class: 'small secondary', 'aria-label': t('解锁账号 {username}', { username: s.username }) }) : null,
    button(t('重设密码'), () => resetPassword(s, feedback), { class: 'small ghost', 'aria-label': t('重设 {username} 的密码', { username: s.username }) }),
  );
}

function resetPassword(s, feedback) {
  const { body, close } = modal(t('重设密码：{username}', { username: s.username }));
  const { input, wrap } = passwordField('password', 'reset-password');
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('确定重设'));
  const form = h('form', { class: 'stack', novalidate: true }, wrap, errors, h('div', { class: 'dialog-actions' }, button(t('取消'), () => close(), { class: 'ghost' }), submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    if (input.value.length < MIN_PASSWORD) {
      showError(errors, new ApiError(422, localProblem('密码至少{n}位', { n: MIN_PASSWORD }, 'password')), form);
      return;
    }
    await busy(submit, async () => {
      try {
        await patch(`/api/v1/staff/${encodeURIComponent(s.id)}`, { password: input.value });
        close();
        clear(feedback).append(passwordBox(t('已重设 {username} 的密码', { username: s.username }), s.username, input.value));
        announce(t('密码已重设，只显示这一次'));
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  body.append(form);
  input.focus();
}

function staffForm(orgs, feedback, reload) {
  const username = h('input', { name: 'username', required: true, maxlength: 40, autocomplete: 'off', pattern: '[A-Za-z0-9._-]{3,40}', dataset: { testid: 'staff-username' } });
  const displayName = h('input', { name: 'display_name', required: true, maxlength: 50, autocomplete: 'off', dataset: { testid: 'staff-display-name' } });
  const role = select('role', Object.entries(ROLES), { empty: t('请选择'), attrs: { required: true, dataset: { testid: 'staff-role' } } });
  const org = select('org_id', [], { empty: t('请先选择角色'), attrs: { required: true, dataset: { testid: 'staff-org' } } });
  role.addEventListener('change', () => {
    const kinds = ROLE_ORG_KINDS[role.value] ?? [];
    clear(org).append(h('option', { value: '' }, kinds.length ? t('请选择') : t('请先选择角色')));
    for (const o of orgs.filter((x) => kinds.includes(x.kind))) org.append(h('option', { value: o.id }, `${o.name}${mark.open}${o.id}${mark.close}`));
  });
  const { input: password, wrap } = passwordField('password', 'staff-password-input');
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'staff-submit' } }, t('新建账号'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'filters' }, field(t('用户名'), username, t('3到40位字母、数字或._-')), field(t('姓名'), displayName), field(t('角色'), role), field(t('所属机构'), org, t('只列出与角色相符的机构')), wrap),
    errors,
    h('div', { class: 'filter-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const fail = (problem) => showError(errors, new ApiError(422, problem), form);
    if (!USERNAME.test(username.value.trim())) return fail(localProblem('用户名为3到40位字母、数字或._-', {}, 'username'));
    if (!displayName.value.trim()) return fail(localProblem('请填写姓名', {}, 'display_name'));
    if (!role.value) return fail(localProblem('请选择角色', {}, 'role'));
    if (!org.value) return fail(localProblem('请选择所属机构', {}, 'org_id'));
    if (password.value.length < MIN_PASSWORD) return fail(localProblem('密码至少{n}位', { n: MIN_PASSWORD }, 'password'));
    await busy(submit, async () => {
      try {
        const r = await post('/api/v1/staff', { username: username.value.trim(), password: password.value, role: role.value, org_id: org.value, display_name: displayName.value.trim() });
        clear(feedback).append(passwordBox(t('已新建账号 {username}（{role}）', { username: r.username, role: label(ROLES, r.role) }), r.username, password.value));
        if (r.awaiting_confirmation) feedback.append(h('p', { class: 'notice warn', dataset: { testid: 'staff-awaiting' } }, t('此账号须经本机构现有工作人员确认后才能登录（岗位分离）。')));
        announce(t('账号已新建，初始密码只显示这一次'));
        form.reset();
        details.open = false;
        await reload();
        feedback.scrollIntoView({ block: 'start' });
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  const details = h('details', { class: 'card' }, h('summary', { dataset: { testid: 'staff-create' } }, t('新建工作人员账号')), form);
  return details;
}

// ----- the working-day calendar -----

async function calendar(main) {
  const thisYear = Number(todayChina().slice(0, 4));
  const feedback = h('div', { 'aria-live': 'polite', dataset: { testid: 'calendar-result' } });
  const slot = h('div');
  const load = async () => {
    const r = await fetchInto(slot, '/api/v1/calendar');
    if (!r) return;
    const years = r.years ?? [];
    const announced = (y) => years.some((x) => x.year === y && x.source !== 'provisional');
    const next = thisYear + 1;
    const sources = { loaded: badge(t('运行时载入'), 'ok'), embedded: badge(t('系统内置'), 'soft'), provisional: badge(t('暂按法定节假日推算'), 'warn') };
    slot.append(
      h(
        'p',
        { class: announced(next) ? 'notice success' : 'notice warn', dataset: { testid: 'calendar-next-year' } },
        announced(next)
          ? t('明年（{year}年）的工作日历已载入。', { year: next })
          : t('明年（{year}年）的节假日安排尚未载入：跨入{year}年的工作日期限暂按法定节假日推算（不含调休），标为“暂定”；国务院办公厅发布安排后请载入，在办期限将自动重算。', { year: next }),
      ),
      table({
        caption: t('各年份工作日历'),
        columns: [
          { label: t('年份'), cell: (y) => t('{year}年', { year: y.year }), rowHeader: true },
          { label: t('来源'), cell: (y) => sources[y.source] ?? y.source },
          { label: t('载入人'), cell: (y) => y.loaded_by ?? '—' },
          { label: t('载入时间'), class: 'date', cell: (y) => dateTime(y.loaded_at) },
        ],
        rows: years,
        empty: t('没有工作日历'),
      }),
    );
  };

  const year = select('year', [thisYear, thisYear + 1].map((y) => [String(y), t('{year}年', { year: y })]), { value: String(thisYear + 1), attrs: { dataset: { testid: 'calendar-year' } } });
  const file = h('input', { type: 'file', name: 'file', accept: '.txt,text/plain' });
  const text = h('textarea', { name: 'text', rows: 8, spellcheck: 'false', class: 'mono', placeholder: t('{year}-01-01 holiday 元旦', { year: thisYear + 1 }), dataset: { testid: 'calendar-text' } });
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'calendar-submit' } }, t('载入'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'filters inline' }, field(t('年份'), year)),
    field(t('日历文件（文本）'), file, t('选择了文件时以文件为准。')),
    field(t('或粘贴日历'), text, t('每行一天：日期 holiday|workday 说明，如“2027-01-01 holiday 元旦”“2027-02-06 workday 春节调休”；只列节假日和调休上班日，全部日期须在所选年份内。载入后替换该年原有日历。')),
    errors,
    h('div', { class: 'filter-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const chosen = file.files[0];
    const body = (chosen ? await chosen.text() : text.value).replace(/^\uFEFF/, '').trim();
    if (!body) {
      showError(errors, new ApiError(422, localProblem('请选择日历文件或粘贴日历', {}, chosen ? 'file' : 'text')), form);
      return;
    }
    await busy(submit, async () => {
      try {
        const r = await upload('PUT', `/api/v1/calendar/${encodeURIComponent(year.value)}`, `${body}\n`, 'text/plain; charset=utf-8');
        const message = r.deadlines_recomputed
          ? t('已载入{year}年工作日历：{days} 个节假日和调休日，{n} 个暂定期限已按新日历重算。', { year: r.year, days: r.days, n: r.deadlines_recomputed })
          : t('已载入{year}年工作日历：{days} 个节假日和调休日。', { year: r.year, days: r.days });
        clear(feedback).append(success(message));
        announce(message);
        form.reset();
        await load();
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  main.append(
    feedback,
    slot,
    h('section', { class: 'card', 'aria-labelledby': 'calendar-title' }, h('h2', { id: 'calendar-title' }, t('载入工作日历')), h('p', { class: 'muted' }, t('依据国务院办公厅关于节假日安排的通知；期限按工作日计算。')), form),
  );
  await load();
}

// The staff console: login, the navigation by role and hash routing to the
// screens. Each screen module exports `render(main, route, ctx)`.

import { ApiError, get, post, del, setToken, token, whenUnauthenticated } from './api.js';
import { h, clear, field, problemBox, announce, busy } from './ui.js';
import { ROLES, loadCodes } from './labels.js';
import { applyLang, lang, localProblem, setLang, t } from './i18n.js';

/**
 * The screens and the permission each needs: the codes `GET /staff/me`
 * lists for the role (the server's permission table, platform::auth).
 */
const SCREENS = [
  { id: 'dashboard', label: t('工作概览'), may: 'read_persons', load: () => import('./dashboard.js') },
  { id: 'lists', label: t('三类名单'), may: 'read_persons', load: () => import('./lists.js') },
  { id: 'ledgers', label: t('台账'), may: 'read_persons', load: () => import('./ledgers.js') },
  { id: 'persons', label: t('人员档案'), may: 'read_persons', load: () => import('./persons.js') },
  { id: 'tasks', label: t('核实任务'), may: 'work_tasks', load: () => import('./tasks.js') },
  { id: 'decisions', label: t('结果复核'), may: 'review_outcomes', load: () => import('./decisions.js') },
  { id: 'home-visits', label: t('上门服务'), may: 'work_tasks', load: () => import('./homevisits.js') },
  { id: 'recoveries', label: t('待遇追回'), may: 'recover_overpayments', load: () => import('./recoveries.js') },
  { id: 'partners', label: t('数据共享单位'), may: 'manage_partners', load: () => import('./partners.js') },
  { id: 'reports', label: t('举报投诉'), may: 'handle_reports', load: () => import('./reports.js') },
  { id: 'imports', label: t('数据导入'), may: ['import_roster', 'import_partner_records'], load: () => import('./imports.js') },
  { id: 'archives', label: t('按月归档'), may: ['file_archives', 'read_audit'], load: () => import('./archives.js') },
  { id: 'audit', label: t('审计日志'), may: 'read_audit', load: () => import('./audit.js') },
  { id: 'admin', label: t('机构与账号'), may: ['manage_orgs', 'manage_staff'], load: () => import('./admin.js') },
];

/** Whether the staff member's role has a permission (a snake_case code from `GET /staff/me`). */
const ctx = { me: null, orgs: null, can: (what) => Boolean(ctx.me && Array.isArray(ctx.me.permissions) && ctx.me.permissions.includes(what)) };

/** Whether a screen is open to the role: its permission, or any of a list. */
const mayOpen = (screen) => [].concat(screen.may).some((what) => ctx.can(what));

/** The organisations in scope, loaded once per session (names for ids). */
ctx.loadOrgs = async () => {
  if (!ctx.orgs) {
    try {
      ctx.orgs = (await get('/api/v1/orgs')).items ?? [];
    } catch {
      ctx.orgs = [];
    }
  }
  return ctx.orgs;
};
/** Loads the organisations again (after one was created). */
ctx.reloadOrgs = async () => {
  ctx.orgs = null;
  return ctx.loadOrgs();
};
ctx.orgName = (id) => {
  if (!id) return '—';
  const org = ctx.orgs?.find((o) => o.id === id || o.division_code === id);
  return org ? org.name : id;
};

const main = () => document.getElementById('main');

/** The route in the hash: #/screen/rest?query. */
export function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { screen: parts[0] ?? '', parts: parts.slice(1), params: new URLSearchParams(q) };
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}
ctx.navigate = navigate;

function renderLogin(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('account').hidden = true;
  document.title = t('登录 · 资格认证工作台');
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, dataset: { testid: 'login-user' } });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, dataset: { testid: 'login-password' } });
  const errors = h('div', { class: 'form-errors' });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'login-submit' } }, t('登录'));
  const form = h(
    'form',
    { class: 'login-form', novalidate: true },
    field(t('用户名'), user),
    field(t('密码'), password),
    errors,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    if (!user.value.trim() || !password.value) {
      errors.append(problemBox(new ApiError(400, localProblem('请输入用户名和密码'))));
      return;
    }
    await busy(submit, async () => {
      try {
        const session = await post('/api/v1/staff/sessions', { username: user.value.trim(), password: password.value });
        setToken(session.token);
        password.value = '';
        await start();
      } catch (error) {
        errors.append(problemBox(error));
        password.focus();
      }
    });
  });
  clear(main()).append(
    h(
      'section',
      { class: 'login-card', 'aria-labelledby': 'login-title' },
      h('h1', { id: 'login-title' }, t('工作人员登录')),
      h('p', { class: 'muted' }, t('乌鲁木齐市领取社会保险待遇资格认证（乌人社规〔2022〕3号）')),
      languageSwitch(),
      message ? problemBox(new ApiError(401, message)) : null,
      form,
    ),
  );
  user.focus();
}

function renderShell() {
  const nav = document.getElementById('nav');
  clear(nav);
  const list = h('ul');
  for (const screen of SCREENS.filter(mayOpen)) {
    list.append(h('li', {}, h('a', { href: `#/${screen.id}`, dataset: { testid: `nav-${screen.id}`, screen: screen.id } }, screen.label)));
  }
  nav.append(list);
  nav.hidden = false;
  const account = document.getElementById('account');
  clear(account).append(
    h('span', { class: 'who' }, h('strong', {}, ctx.me.username), h('span', { class: 'muted' }, ` ${ROLES[ctx.me.role] ?? ctx.me.role}`)),
    h('button', { type: 'button', class: 'ghost', dataset: { testid: 'logout' }, on: { click: logout } }, t('退出登录')),
    languageSwitch(),
  );
  account.hidden = false;
}

async function logout() {
  try {
    await del('/api/v1/staff/sessions/current');
  } catch {
    // The session may be gone already.
  }
  setToken(null);
  ctx.me = null;
  ctx.orgs = null;
  location.hash = '';
  renderLogin();
  announce(t('已退出登录'));
}

let routing = 0;
async function route() {
  if (!ctx.me) return;
  const current = parseRoute();
  const allowed = SCREENS.filter(mayOpen);
  let screen = allowed.find((s) => s.id === current.screen);
  if (!screen) {
    if (allowed.length === 0) {
      clear(main()).append(h('h1', {}, t('没有可用的功能')), h('p', {}, t('您的账号用于系统对接，不提供工作台功能。')));
      return;
    }
    history.replaceState(null, '', `#/${allowed[0].id}`);
    screen = allowed[0];
  }
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.screen === screen.id) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const mine = ++routing;
  const el = main();
  clear(el).append(h('p', { class: 'loading' }, t('正在加载…')));
  try {
    const module = await screen.load();
    if (mine !== routing) return;
    clear(el);
    document.title = t('{screen} · 资格认证工作台', { screen: screen.label });
    await module.render(el, current, ctx);
  } catch (error) {
    if (mine !== routing) return;
    clear(el).append(h('h1', {}, screen.label), problemBox(error));
  }
}

async function start() {
  try {
    ctx.me = await get('/api/v1/staff/me');
  } catch (error) {
    setToken(null);
    renderLogin(error instanceof ApiError && error.status !== 401 ? error.problem : null);
    return;
  }
  const [, codes] = await Promise.all([ctx.loadOrgs(), bootCodes ?? get('/api/v1/codes')]);
  loadCodes(codes);
  renderShell();
  await route();
  announce(t('已登录：{username}', { username: ctx.me.username }));
}

whenUnauthenticated(() => {
  if (!ctx.me) return;
  setToken(null);
  ctx.me = null;
  renderLogin(localProblem('登录已过期，请重新登录'));
});

/**
 * The language choice, each language named in its own words (from the
 * domain's list, `GET /api/v1/codes`). Choosing one loads the console again in it.
 */
function languageSwitch() {
  const choice = h('select', { class: 'language', 'aria-label': t('界面语言'), dataset: { testid: 'language' }, on: { change: () => setLang(choice.value) } });
  for (const language of LANGUAGE_CHOICES) choice.append(h('option', { value: language.code, lang: language.code, selected: language.code === lang() }, language.own_name));
  return choice;
}

window.addEventListener('hashchange', () => route());

applyLang();
// The code tables need no login: fetched once, for the language choice on
// the login card and for the tables of names after it.
const bootCodes = await get('/api/v1/codes').catch(() => null);
const LANGUAGE_CHOICES = bootCodes?.languages ?? [];
if (token()) start();
else renderLogin();

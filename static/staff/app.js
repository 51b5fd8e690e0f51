// The staff console: login, the navigation by role and hash routing to the
// screens. Each screen module exports `render(main, route, ctx)`.

import { ApiError, get, post, del, setToken, token, whenUnauthenticated } from './api.js';
import { h, clear, field, problemBox, announce, busy } from './ui.js';
import { ROLES, loadCodes } from './labels.js';

/**
 * The screens and the permission each needs: the codes `GET /staff/me`
 * lists for the role (the server's permission table, platform::auth).
 */
const SCREENS = [
  { id: 'dashboard', label: '工作概览', may: 'read_persons', load: () => import('./dashboard.js') },
  { id: 'lists', label: '三类名单', may: 'read_persons', load: () => import('./lists.js') },
  { id: 'ledgers', label: '台账', may: 'read_persons', load: () => import('./ledgers.js') },
  { id: 'persons', label: '人员档案', may: 'read_persons', load: () => import('./persons.js') },
  { id: 'tasks', label: '核实任务', may: 'work_tasks', load: () => import('./tasks.js') },
  { id: 'decisions', label: '结果复核', may: 'review_outcomes', load: () => import('./decisions.js') },
  { id: 'home-visits', label: '上门服务', may: 'work_tasks', load: () => import('./homevisits.js') },
  { id: 'recoveries', label: '待遇追回', may: 'recover_overpayments', load: () => import('./recoveries.js') },
  { id: 'partners', label: '数据共享单位', may: 'manage_partners', load: () => import('./partners.js') },
  { id: 'reports', label: '举报投诉', may: 'handle_reports', load: () => import('./reports.js') },
  { id: 'imports', label: '数据导入', may: ['import_roster', 'import_partner_records'], load: () => import('./imports.js') },
  { id: 'archives', label: '按月归档', may: ['file_archives', 'read_audit'], load: () => import('./archives.js') },
  { id: 'audit', label: '审计日志', may: 'read_audit', load: () => import('./audit.js') },
  { id: 'admin', label: '机构与账号', may: ['manage_orgs', 'manage_staff'], load: () => import('./admin.js') },
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
  document.title = '登录 · 资格认证工作台';
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, dataset: { testid: 'login-user' } });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, dataset: { testid: 'login-password' } });
  const errors = h('div', { class: 'form-errors' });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'login-submit' } }, '登录');
  const form = h(
    'form',
    { class: 'login-form', novalidate: true },
    field('用户名', user),
    field('密码', password),
    errors,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    if (!user.value.trim() || !password.value) {
      errors.append(problemBox(new ApiError(400, { detail: '请输入用户名和密码', detail_en: 'Enter your username and password' })));
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
      h('h1', { id: 'login-title' }, '工作人员登录'),
      h('p', { class: 'muted' }, '乌鲁木齐市领取社会保险待遇资格认证（乌人社规〔2022〕3号）'),
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
    h('button', { type: 'button', class: 'ghost', dataset: { testid: 'logout' }, on: { click: logout } }, '退出登录'),
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
  announce('已退出登录');
}

let routing = 0;
async function route() {
  if (!ctx.me) return;
  const current = parseRoute();
  const allowed = SCREENS.filter(mayOpen);
  let screen = allowed.find((s) => s.id === current.screen);
  if (!screen) {
    if (allowed.length === 0) {
      clear(main()).append(h('h1', {}, '没有可用的功能'), h('p', {}, '您的账号用于系统对接，不提供工作台功能。'));
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
  clear(el).append(h('p', { class: 'loading' }, '正在加载…'));
  try {
    const module = await screen.load();
    if (mine !== routing) return;
    clear(el);
    document.title = `${screen.label} · 资格认证工作台`;
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
  await Promise.all([ctx.loadOrgs(), loadCodes()]);
  renderShell();
  await route();
  announce(`已登录：${ctx.me.username}`);
}

whenUnauthenticated((problem) => {
  if (!ctx.me) return;
  setToken(null);
  ctx.me = null;
  renderLogin({ detail: '登录已过期，请重新登录', detail_en: problem?.detail_en ?? 'Your session has ended; log in again' });
});

window.addEventListener('hashchange', () => route());

if (token()) start();
else renderLogin();

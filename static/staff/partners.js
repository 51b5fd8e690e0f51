// 数据共享单位 (R5.1): partners, their webhook secrets (shown once), rotation
// and revocation, disabling; and the events that named nobody.

import { get, post, patch, del } from './api.js';
import { h, clear, table, field, select, badge, dateTime, problemBox, showError, success, announce, busy, button, fetchInto } from './ui.js';
import { PARTNER_KINDS, EVENT_TYPES, label } from './labels.js';
import { mark, t } from './i18n.js';

// The separator between the items of a list, as each language writes it ("、" has no Han letters to be a key).

export async function render(main, _route, ctx) {
  main.append(h('div', { class: 'page-head' }, h('h1', {}, t('数据共享单位')), h('p', { class: 'muted' }, t('公安、司法、民政、银行等单位通过签名的数据推送（Standard Webhooks）共享认证和丧失资格信息。'))));
  const feedback = h('div');
  const slot = h('div');
  main.append(feedback, createForm(feedback, () => load()), slot);

  const load = async () => {
    const result = await fetchInto(slot, '/api/v1/partners');
    if (!result) return;
    slot.append(
      table({
        caption: t('已登记的数据共享单位'),
        columns: [
          { label: t('单位'), cell: (p) => h('span', {}, h('strong', {}, p.name), h('br'), h('span', { class: 'mono small' }, p.partner_id)), rowHeader: true },
          { label: t('类别'), cell: (p) => label(PARTNER_KINDS, p.kind) },
          { label: t('推送事项'), cell: (p) => (p.event_types ?? []).map((type) => label(EVENT_TYPES, type)).join(mark.enumeration) },
          { label: t('状态'), cell: (p) => (p.disabled ? badge(t('已停用'), 'bad') : badge(t('已启用'), 'ok')) },
          {
            label: t('密钥'),
            cell: (p) =>
              h('ul', { class: 'secret-list' }, (p.secrets ?? []).map((s) =>
                h('li', {}, h('span', { class: 'mono small' }, s.secret_id), ' ', s.revoked_at ? badge(t('已吊销 {time}', { time: dateTime(s.revoked_at) }), 'soft') : [badge(t('有效'), 'ok'), ' ', h('span', { class: 'small muted' }, dateTime(s.created_at)), ' ',
                  button(t('吊销'), () => revoke(p, s, feedback, load), { class: 'small ghost', 'aria-label': t('吊销{name}的密钥 {id}', { name: p.name, id: s.secret_id }) })]),
              )),
          },
          {
            label: t('操作'),
            cell: (p) =>
              h(
                'div',
                { class: 'row-actions' },
                button(t('轮换密钥'), () => rotate(p, feedback, load), { class: 'small secondary', 'aria-label': t('为{name}增加新密钥', { name: p.name }) }),
                button(p.disabled ? t('启用') : t('停用'), () => toggle(p, feedback, load), { class: p.disabled ? 'small secondary' : 'small danger', 'aria-label': p.disabled ? t('启用{name}', { name: p.name }) : t('停用{name}', { name: p.name }) }),
              ),
          },
        ],
        rows: result.items ?? [],
        rowAttrs: () => ({ dataset: { testid: 'partner-row' } }),
        empty: t('尚未登记数据共享单位'),
      }),
    );
    if (ctx.can('review_unmatched')) slot.append(await unmatched());
  };
  await load();
}

/** The secret, shown once, with a clear warning and a copy button. */
function secretBox(title, partnerId, secret) {
  const code = h('code', { class: 'secret', dataset: { testid: 'partner-secret' } }, secret);
  return h(
    'div',
    { class: 'notice warn secret-box', role: 'alert' },
    h('h2', {}, title),
    h('p', {}, h('strong', {}, t('此密钥只显示这一次，')), t('请立即通过安全渠道交给 {partner} 的技术人员。离开本页后无法再次查看；遗失只能轮换新密钥。', { partner: partnerId })),
    code,
    h('p', {}, button(t('复制密钥'), async (event) => {
      try {
        await navigator.clipboard.writeText(secret);
        event.target.textContent = t('已复制');
      } catch {
        const range = document.createRange();
        range.selectNodeContents(code);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        event.target.textContent = t('已选中，请按 Ctrl+C 复制');
      }
    }, { class: 'secondary' })),
  );
}

function createForm(feedback, reload) {
  const id = h('input', { name: 'partner_id', required: true, pattern: '[A-Za-z0-9._-]{2,40}', autocomplete: 'off' });
  const name = h('input', { name: 'name', required: true });
  const kind = select('kind', Object.entries(PARTNER_KINDS), { empty: t('请选择') });
  const types = h('fieldset', { class: 'checks' }, h('legend', {}, t('推送事项')), Object.entries(EVENT_TYPES).map(([v, l]) =>
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'event_types', value: v }), ' ', l),
  ));
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('登记'));
  const form = h('form', { class: 'stack' }, h('div', { class: 'filters' }, field(t('单位编号（英文）'), id, t('如 civil-affairs')), field(t('单位名称'), name), field(t('类别'), kind)), types, errors, h('div', { class: 'filter-actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    const data = new FormData(form);
    await busy(submit, async () => {
      try {
        const r = await post('/api/v1/partners', { partner_id: id.value.trim(), name: name.value.trim(), kind: kind.value, event_types: data.getAll('event_types') });
        clear(feedback).append(secretBox(t('已登记 {name}', { name: name.value.trim() }), r.partner_id, r.secret));
        announce(t('已登记数据共享单位，密钥只显示一次'));
        form.reset();
        details.open = false;
        await reload();
        feedback.scrollIntoView({ block: 'start' });
      } catch (error) {
        showError(errors, error, form);
      }
    });
  });
  const details = h('details', { class: 'card' }, h('summary', {}, t('登记新的数据共享单位')), form);
  return details;
}

async function rotate(p, feedback, reload) {
  try {
    const r = await post(`/api/v1/partners/${encodeURIComponent(p.partner_id)}/secrets`);
    clear(feedback).append(secretBox(t('{name} 的新密钥（{id}）', { name: p.name, id: r.secret_id }), p.partner_id, r.secret), h('p', { class: 'muted' }, t('新旧密钥在旧密钥吊销前均有效；对方切换完成后请吊销旧密钥。')));
    announce(t('已生成新密钥，只显示一次'));
    await reload();
  } catch (error) {
    clear(feedback).append(problemBox(error));
  }
}

async function revoke(p, s, feedback, reload) {
  if (!confirm(t('确定吊销 {name} 的密钥 {id}？吊销后用它签名的推送将被拒收。', { name: p.name, id: s.secret_id }))) return;
  try {
    await del(`/api/v1/partners/${encodeURIComponent(p.partner_id)}/secrets/${encodeURIComponent(s.secret_id)}`);
    clear(feedback).append(success(t('已吊销 {name} 的密钥 {id}。', { name: p.name, id: s.secret_id })));
    announce(t('密钥已吊销'));
    await reload();
  } catch (error) {
    clear(feedback).append(problemBox(error));
  }
}

async function toggle(p, feedback, reload) {
  try {
    await patch(`/api/v1/partners/${encodeURIComponent(p.partner_id)}`, { disabled: !p.disabled });
    const text = p.disabled ? t('{name} 已启用。', { name: p.name }) : t('{name} 已停用。', { name: p.name });
    clear(feedback).append(success(text));
    announce(text);
    await reload();
  } catch (error) {
    clear(feedback).append(problemBox(error));
  }
}

async function unmatched() {
  const section = h('section', { 'aria-labelledby': 'unmatched' }, h('h2', { id: 'unmatched' }, t('未匹配到人员的推送')));
  try {
    const r = await get('/api/v1/partners/unmatched?per_page=50');
    section.append(
      table({
        caption: t('未匹配到人员的推送（最近50条）'),
        columns: [
          { label: t('收到时间'), cell: (e) => dateTime(e.received_at), rowHeader: true },
          { label: t('单位'), cell: (e) => e.partner_id },
          { label: t('事项'), cell: (e) => label(EVENT_TYPES, e.type) },
          { label: t('证件号'), cell: (e) => h('span', { class: 'mono' }, e.subject_id_number_masked) },
          { label: t('发生日期'), cell: (e) => e.occurred_on },
          { label: t('状态'), cell: (e) => (e.status === 'rematched' ? badge(t('已重新匹配'), 'ok') : badge(t('未匹配'), 'warn')) },
          {
            label: t('操作'),
            cell: (e) =>
              e.status === 'rematched'
                ? '—'
                : button(t('重新匹配'), async (event) => {
                    const cell = event.target.parentElement;
                    try {
                      await post(`/api/v1/partners/unmatched/${e.id}/rematch`);
                      clear(cell).append(badge(t('已重新匹配'), 'ok'));
                      announce(t('已重新匹配'));
                    } catch (error) {
                      clear(cell).append(problemBox(error));
                    }
                  }, { class: 'small secondary' }),
          },
        ],
        rows: r.items ?? [],
        empty: t('没有未匹配的推送'),
      }),
    );
  } catch (error) {
    section.append(problemBox(error));
  }
  return section;
}

// Calls to the zige API with the recipient's session, and errors turned
// into sentences a person understands (never raw JSON).

import { t, has, lang } from './i18n.js';

const TOKEN_KEY = 'zige.token';

function session() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function getToken() {
  return session()?.getItem(TOKEN_KEY) || null;
}

export function setToken(token) {
  session()?.setItem(TOKEN_KEY, token);
}

export function clearSession() {
  const s = session();
  if (!s) return;
  s.removeItem(TOKEN_KEY);
  s.removeItem('zige.demo_id');
}

/** An API call that did not succeed: a network failure or a problem document. */
export class ApiError extends Error {
  constructor({ network = false, status = 0, problem = null }) {
    super(network ? 'network failure' : `HTTP ${status}`);
    this.network = network;
    this.status = status;
    this.problem = problem;
  }

  /** The problem's stable code: the last segment of its `type`. */
  get code() {
    const type = this.problem?.type;
    return typeof type === 'string' ? type.split('/').pop() : null;
  }

  get reason() {
    return typeof this.problem?.reason === 'string' ? this.problem.reason : null;
  }

  get field() {
    return typeof this.problem?.field === 'string' ? this.problem.field : null;
  }
}

/**
 * Calls the API. Resolves to `{ status, data }` on 2xx; rejects with an
 * ApiError otherwise. `anonymous`: the session is not sent (a report stays
 * anonymous even when the person happens to be logged in).
 */
export async function api(method, path, body, { anonymous = false } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const token = anonymous ? null : getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError({ network: true });
  }
  let data = null;
  try {
    const text = await response.text();
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null; // not JSON (a proxy's error page, say): explained generically
  }
  if (!response.ok) {
    const problem = data && typeof data === 'object' && !Array.isArray(data) ? data : null;
    throw new ApiError({ status: response.status, problem });
  }
  return { status: response.status, data };
}

/**
 * A sentence for an error, in the current language. Chinese uses the
 * problem's own Chinese message; English and Uyghur use the table's sentence
 * for the known reason, code or field, then the problem's English message
 * (English) or its Chinese one (Uyghur).
 */
export function errorMessage(error) {
  if (!(error instanceof ApiError)) return t('error.generic');
  if (error.network) return t('error.network');
  const p = error.problem;
  if (!p || (typeof p.detail !== 'string' && typeof p.detail_en !== 'string')) {
    return error.status >= 500 ? t('error.server') : t('error.generic');
  }
  let sentence;
  if (lang() === 'zh') {
    // The problem's own Chinese sentence, unless the table words this code better.
    if (error.code && has(`problem.${error.code}`)) sentence = t(`problem.${error.code}`);
    else sentence = typeof p.detail === 'string' && p.detail ? p.detail : null;
  }
  if (!sentence) {
    const keys = [];
    if (error.reason) keys.push(`problem.${error.reason}`);
    if (error.code && error.field) keys.push(`problem.${error.code}.${error.field}`);
    if (error.code === 'invalid_field' && error.field) keys.push(`problem.field.${error.field}`);
    if (error.code) keys.push(`problem.${error.code}`);
    const key = keys.find((k) => has(k));
    if (key) sentence = t(key);
  }
  if (!sentence) {
    sentence = lang() === 'en' && typeof p.detail_en === 'string' && p.detail_en ? p.detail_en : p.detail || p.detail_en;
  }
  if (!sentence) sentence = t('error.generic');
  if (lang() === 'en') {
    // The API's English messages start in lower case and may lack a full stop.
    sentence = sentence.charAt(0).toUpperCase() + sentence.slice(1);
    if (!/[.!?]$/.test(sentence)) sentence += '.';
  }
  if (Number.isInteger(p.attempts_left) && p.attempts_left > 0) {
    sentence = `${sentence} ${t('certify.attempts_left', { n: p.attempts_left })}`;
  }
  return sentence;
}

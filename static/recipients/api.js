// Calls to the zige API with the recipient's session, and errors turned
// into sentences a person understands (never raw JSON). The fetch core is
// static/shared/api.js; the page's wording of errors is here.

import { t, has, lang } from './i18n.js';
import { ApiError, client, jsonBody, session } from '../shared/api.js';

export { ApiError };

const core = client({ tokenKey: 'zige.token' });

export function getToken() {
  return core.token();
}

export function setToken(token) {
  core.setToken(token);
}

export function clearSession() {
  core.clearToken();
  session()?.removeItem('zige.demo_id');
}

/**
 * Calls the API. Resolves to `{ status, data }` on 2xx; rejects with an
 * ApiError otherwise (its problem null when the answer had none, `network`
 * set when there was no answer). `anonymous`: the session is not sent (a
 * report stays anonymous even when the person happens to be logged in).
 */
export async function api(method, path, body, { anonymous = false } = {}) {
  const response = await core.request(method, path, { body, accept: 'application/json, application/problem+json', anonymous });
  let data = null;
  try {
    data = await jsonBody(response);
  } catch {
    data = null; // not JSON: no data
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

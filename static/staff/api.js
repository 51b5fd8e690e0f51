// The API client: the staff session's bearer token, JSON in and out, and
// problem+json errors turned into ApiError (Chinese message, English below).
// The fetch core is static/shared/api.js; the console's wording of problems
// without one of their own is here.

import { localProblem } from './i18n.js';
import { ApiError, client, jsonBody } from '../shared/api.js';

export { ApiError };

/** The problem for an answer without one of its own (no network, a proxy's error page). */
function fallbackProblem(status) {
  const known = {
    0: localProblem('无法连接服务器，请检查网络后重试'),
    404: localProblem('找不到该资源，可能尚未开通'),
    413: localProblem('提交的内容过大'),
    502: localProblem('服务暂时不可用，请稍后再试'),
    503: localProblem('服务暂时不可用，请稍后再试'),
  };
  return { status, title: 'error', ...(known[status] ?? localProblem('请求失败（{status}）', { status })) };
}

const core = client({
  tokenKey: 'zige.staff.token',
  problem: (status, found) => (found && typeof found.detail === 'string' ? found : fallbackProblem(status)),
});

/** The session's bearer token, or null. */
export function token() {
  return core.token();
}

/** Keeps the session's token; a falsy value forgets it. */
export function setToken(value) {
  core.setToken(value);
}

let onUnauthenticated = () => {};
/** Called when the session is gone (401) so the console can ask to log in again. */
export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

async function send(method, path, body, accept, contentType = null) {
  try {
    return await core.request(method, path, { body, accept, contentType });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && !path.endsWith('/staff/sessions')) onUnauthenticated(error.problem);
    throw error;
  }
}

/** A JSON request; resolves to the parsed body (null for 204). */
export async function api(method, path, body) {
  const response = await send(method, path, body, 'application/json');
  if (response.status === 204) return null;
  return jsonBody(response);
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** Posts a text body (a CSV sheet) as it is; resolves to the parsed JSON answer. */
export async function postText(path, text, contentType = 'text/csv; charset=utf-8') {
  const response = await send('POST', path, text, 'application/json', contentType);
  return jsonBody(response);
}

/**
 * Sends a body as it is (a File, a Blob or text: a CSV sheet, a ZIP copy, a
 * calendar) with its content type; resolves to the parsed JSON answer.
 */
export async function upload(method, path, body, contentType) {
  const response = await send(method, path, body, 'application/json', contentType);
  if (response.status === 204) return null;
  return jsonBody(response);
}

/** A file the API answers (CSV, HTML) as a Blob, with the bearer token. */
export async function fetchBlob(path, accept = '*/*') {
  const response = await send('GET', path, undefined, accept);
  return response.blob();
}

/** Builds a query string from the non-empty values of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

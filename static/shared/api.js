// The fetch core both pages share: the session's bearer token, a JSON body
// (or a raw one with its content type), never a cached answer, and every
// failure as an ApiError: a problem+json answer parsed, a network failure
// flagged. It holds no words for people: each page names its own storage
// key for the token and words its own fallback problems and messages
// (static/recipients/api.js, static/staff/api.js).

/**
 * An API call that did not succeed: `status` (0 when the network failed,
 * with `network` set), and `problem`, the problem document the API answered
 * or the one the page put in its place (null when there is none).
 */
export class ApiError extends Error {
  constructor(status, problem = null, { network = false } = {}) {
    super(typeof problem?.detail === 'string' ? problem.detail : network ? 'network' : `HTTP ${status}`);
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

/** The tab's session storage, or null where a web view blocks it. */
export function session() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The answer's JSON body, or null when it has none; a body that is not JSON throws. */
export async function jsonBody(response) {
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** The problem document of a failed answer: its JSON object, or null. */
async function problemOf(response) {
  try {
    const data = await jsonBody(response);
    return data && typeof data === 'object' && !Array.isArray(data) ? data : null;
  } catch {
    return null; // not JSON (a proxy's error page, say)
  }
}

/**
 * A page's client. `tokenKey`: the session-storage key of its bearer token.
 * `problem(status, found)`: the problem an error carries, from the status (0
 * for a network failure) and the problem document found in the answer (or
 * null); by default the one found.
 *
 * Returns `token()`, `setToken(value)` (a falsy value forgets it),
 * `clearToken()` and `request(method, path, options)`, which resolves to the
 * Response of a 2xx answer and rejects with an ApiError otherwise. Options:
 * `body` (JSON unless `contentType` is given, then sent as it is), `accept`,
 * `anonymous` (no token sent).
 */
export function client({ tokenKey, problem = (_status, found) => found }) {
  const token = () => session()?.getItem(tokenKey) || null;

  function setToken(value) {
    const storage = session();
    if (!storage) return;
    if (value) storage.setItem(tokenKey, value);
    else storage.removeItem(tokenKey);
  }

  async function request(method, path, { body, contentType = null, accept = 'application/json', anonymous = false } = {}) {
    const headers = { accept };
    const bearer = anonymous ? null : token();
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const init = { method, headers, cache: 'no-store', credentials: 'same-origin' };
    if (body !== undefined) {
      headers['content-type'] = contentType || 'application/json';
      init.body = contentType ? body : JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      throw new ApiError(0, problem(0, null), { network: true });
    }
    if (!response.ok) throw new ApiError(response.status, problem(response.status, await problemOf(response)));
    return response;
  }

  return { token, setToken, clearToken: () => setToken(null), request };
}

// The one fetch wrapper: JSON in and out, the session cookie (never a bearer token), the
// CSRF header on every write, and errors turned into ApiError objects.

export class ApiError extends Error {
  constructor(status, code, message, details = null, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

// Kept in memory only (from /api/session or login); a reload fetches it again.
let csrfToken = null;
let csrfRefresher = null;

export function setCsrfToken(token) { csrfToken = token || null; }

// Told when the server says 401 (session expired or signed out elsewhere).
let unauthorizedHandler = null;
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

/** Called once by app.js so a stale CSRF token can be refreshed and the write retried. */
export function onCsrfRefresh(fn) { csrfRefresher = fn; }

// Server clock minus browser clock (ms), from the Date header, for hold countdowns.
let clockOffset = 0;
export function serverNow() { return Date.now() + clockOffset; }

const FALLBACK_MESSAGES = {
  0: 'Cannot reach the server. Check your connection and try again.',
  400: 'The request was not understood.',
  401: 'Please sign in first.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That conflicts with the current state. Reload and try again.',
  410: 'This has expired.',
  413: 'That is too large.',
  422: 'Some values are not valid.',
  429: 'Too many requests. Please wait a moment and try again.',
  500: 'Something went wrong on the server.',
  502: 'The service is restarting. Please try again shortly.',
  503: 'The service is busy. Please try again shortly.',
  504: 'The service took too long to answer. Please try again.',
};

function fallbackMessage(status) {
  return FALLBACK_MESSAGES[status] || (status >= 500 ? FALLBACK_MESSAGES[500] : `Request failed (${status}).`);
}

/** A random UUID v4; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One HTTP exchange. Resolves to {status, data, etag} for 2xx and 304; rejects with ApiError.
 * options: method, body (JSON-encoded), idempotencyKey, etag (If-None-Match), headers (extra), signal.
 */
export async function request(path, options = {}, retried = false) {
  const method = (options.method || 'GET').toUpperCase();
  const headers = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  if (options.etag) headers['If-None-Match'] = options.etag;

  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      // We handle ETags ourselves; the HTTP cache must not answer for the server.
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', FALLBACK_MESSAGES[0]);
  }

  const date = response.headers.get('Date');
  if (date) {
    const t = Date.parse(date);
    // Date has 1 s resolution: only trust a skew bigger than that.
    if (!Number.isNaN(t) && Math.abs(t - Date.now()) > 1500) clockOffset = t - Date.now();
    else clockOffset = 0;
  }

  if (response.status === 304) return { status: 304, data: null, etag: response.headers.get('ETag') };

  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (response.status !== 204 && type.includes('json')) {
    try { data = await response.json(); } catch { data = null; }
  }

  if (!response.ok) {
    const err = data && data.error ? data.error : {};
    const retryAfter = Number(response.headers.get('Retry-After')) || null;
    const apiError = new ApiError(response.status, err.code || `http_${response.status}`,
      err.message || fallbackMessage(response.status), err.details || null, retryAfter);
    // A session renewed elsewhere has a new CSRF token: fetch it and try once more.
    if (response.status === 401 && unauthorizedHandler) unauthorizedHandler();
    if (apiError.code === 'csrf_failed' && !retried && csrfRefresher) {
      await csrfRefresher();
      return request(path, options, true);
    }
    throw apiError;
  }
  return { status: response.status, data, etag: response.headers.get('ETag') };
}

/** The JSON body of a successful request (null for 204). */
export async function api(path, options) {
  return (await request(path, options)).data;
}

/** Builds "/api/venues/a%20b/events/..." from segments, each encoded. */
export function path(...segments) {
  return '/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

/** "?q=x&limit=20" from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

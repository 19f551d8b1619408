// api-client.js — a typed client for the CRM's import API (shared/seeds/*.txt,
// shared/spec/import-types.md §0 and §11):
//
//   POST /api/v1/import               create(): multipart type, mode, file
//   POST /api/v1/import/map/{uuid}    map(): {"headers": [{field: csv header}]}
//   POST /api/v1/import/start/{uuid}  start()
//   GET  /api/v1/import/{uuid}        get()
//   GET  /api/v1/import               list(): include, filter[...], sort, per_page, page
//   GET  error_report.download_url    downloadErrorReport() (same token, same origin only)
//
// The bearer token and the X-PLANNR-ACCOUNT-UUID value come from the embedding page, as
// values or getter functions; the client keeps them in memory only and never writes them
// anywhere (no localStorage, sessionStorage or IndexedDB). A getter is asked again, once,
// with {refresh: true} when the API answers 401, so the page can refresh an expired token.
//
// Every call takes an AbortSignal and has its own timeout (uploads get extra time per
// byte). Failures are ApiError subclasses that carry the HTTP status, Laravel's `message`
// and `errors`, the Retry-After seconds, whether the request may have reached the server and
// whether it may have acted, and whether a retry makes sense. Uses `fetch`, so it runs in
// browsers, workers and Node 20 alike.

/** The statuses an import moves through ("processing" is the seeds'; see web/server/resource.js). */
export const IMPORT_STATUS = Object.freeze({
  uploaded: 'uploaded',
  mapped: 'mapped',
  processing: 'processing',
  completed: 'completed',
  failed: 'failed',
});

/** Statuses after which an import changes no more. */
export const TERMINAL_STATUSES = Object.freeze([IMPORT_STATUS.completed, IMPORT_STATUS.failed]);

/** Statuses of an import that has been started. */
export const STARTED_STATUSES = Object.freeze([IMPORT_STATUS.processing, IMPORT_STATUS.completed, IMPORT_STATUS.failed]);

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Network error codes (Node's undici) that prove the request never left: the connection was
 * never made. Any other network failure may have happened after the request was sent.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL', 'ERR_INVALID_ARG_TYPE',
]);

/** Any failure of an API call. `status` is 0 when no HTTP response arrived. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {object} details
   * @param {number} [details.status]
   * @param {string} [details.method]
   * @param {string} [details.url]
   * @param {unknown} [details.body] the parsed JSON body (or the text) of the response
   * @param {Record<string, string[]>|null} [details.errors] Laravel's validation errors
   * @param {number|null} [details.retryAfterSeconds]
   * @param {boolean} [details.mayHaveReachedServer]
   * @param {boolean} [details.mayHaveActed]
   * @param {Headers|null} [details.headers]
   * @param {unknown} [details.cause]
   */
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status ?? 0;
    this.method = details.method ?? '';
    this.url = details.url ?? '';
    this.body = details.body ?? null;
    this.errors = details.errors ?? null;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
    this.mayHaveReachedServer = details.mayHaveReachedServer ?? true;
    this.mayHaveActed = details.mayHaveActed ?? this.mayHaveReachedServer;
    this.headers = details.headers ?? null;
  }

  /** True when repeating the same request may succeed (network errors, timeouts, 408, 429, 5xx). */
  get retryable() {
    return false;
  }

  /** A plain object for logs and the resume store (no headers, no body). */
  toJSON() {
    return {
      name: this.name, message: this.message, status: this.status, method: this.method, url: this.url,
      errors: this.errors, retryAfterSeconds: this.retryAfterSeconds,
      mayHaveReachedServer: this.mayHaveReachedServer, mayHaveActed: this.mayHaveActed, retryable: this.retryable,
    };
  }
}

/** The API answered with a status other than 2xx. */
export class HttpStatusError extends ApiError {
  get retryable() {
    // 409 with Retry-After: the same Idempotency-Key is still being processed — retry soon.
    return RETRYABLE_STATUSES.has(this.status) || (this.status === 409 && this.retryAfterSeconds !== null);
  }
}

/** 401 {"message": "Unauthenticated."}: the token is missing, wrong or expired. */
export class UnauthenticatedError extends HttpStatusError {}
/** 403: the account header names an account the token may not act for. */
export class ForbiddenError extends HttpStatusError {}
/** 404: no such import (or route). */
export class NotFoundError extends HttpStatusError {}
/** 409: the import's state does not allow this (or an idempotent request is in flight). */
export class ConflictError extends HttpStatusError {}
/** 413: the request body is larger than the API accepts. */
export class PayloadTooLargeError extends HttpStatusError {}
/** 422: Laravel's {message, errors} — a bad type, mode, file or mapping. */
export class ValidationError extends HttpStatusError {}
/** 429: too many requests; `retryAfterSeconds` says how long to wait. */
export class RateLimitError extends HttpStatusError {}
/** 5xx. */
export class ServerError extends HttpStatusError {}

/** No HTTP response: the connection failed or was dropped. */
export class NetworkError extends ApiError {
  get retryable() {
    return true;
  }
}

/** The per-request timeout ran out before the response was read. */
export class RequestTimeoutError extends NetworkError {}

/** The HTTP status → its error class. */
function errorClassFor(status) {
  switch (status) {
    case 401: return UnauthenticatedError;
    case 403: return ForbiddenError;
    case 404: return NotFoundError;
    case 409: return ConflictError;
    case 413: return PayloadTooLargeError;
    case 422: return ValidationError;
    case 429: return RateLimitError;
    default: return status >= 500 ? ServerError : HttpStatusError;
  }
}

/**
 * Retry-After as seconds: the delta-seconds form, or an HTTP-date (relative to now).
 * @param {string|null} value
 * @param {number} [now]
 * @returns {number|null}
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The abort reason as a throwable (an AbortError DOMException when there is none). */
function abortReason(signal) {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * @typedef {string | ((context: {refresh: boolean}) => string | Promise<string>)} Credential
 */

/**
 * @typedef {object} RequestOptions
 * @property {AbortSignal} [signal]
 * @property {number} [timeoutMs] overrides the client's timeout for this call
 * @property {string} [idempotencyKey] sent as the Idempotency-Key header (POST only)
 */

export class ImportApiClient {
  /**
   * @param {object} options
   * @param {string} options.baseUrl the API origin (and optional path prefix), e.g. "https://api.plannrcrm.com"
   * @param {Credential} options.token the bearer token, or a function that returns it
   * @param {Credential} [options.accountUuid] the X-PLANNR-ACCOUNT-UUID value, or a function
   * @param {typeof fetch} [options.fetch] default: globalThis.fetch
   * @param {number} [options.timeoutMs] per-request timeout (default 30 s)
   * @param {number} [options.uploadBytesPerSecond] extra upload time: timeout + size / this (default 100 kB/s)
   * @param {string[]} [options.downloadOrigins] other origins the token may be sent to for error reports
   */
  constructor({ baseUrl, token, accountUuid, fetch: fetchImpl, timeoutMs = 30_000, uploadBytesPerSecond = 100_000, downloadOrigins = [] }) {
    if (!baseUrl) throw new TypeError('ImportApiClient: baseUrl is required');
    if (token === undefined || token === null || token === '') throw new TypeError('ImportApiClient: token is required (a string or a function)');
    const base = new URL(baseUrl);
    this.baseUrl = base.href.replace(/\/+$/, '');
    this.origin = base.origin;
    this.timeoutMs = timeoutMs;
    this.uploadBytesPerSecond = uploadBytesPerSecond;
    this.downloadOrigins = new Set([base.origin, ...downloadOrigins.map((o) => new URL(o).origin)]);
    // Private fields: the credentials are not enumerable, not serialisable, not in toJSON.
    this.#token = token;
    this.#accountUuid = accountUuid ?? null;
    this.#fetch = fetchImpl ?? ((...args) => globalThis.fetch(...args));
  }

  #token;
  #accountUuid;
  #fetch;

  /**
   * POST /api/v1/import — uploads a CSV and creates an import (status "uploaded").
   * @param {{type: string, mode: 'store'|'update'|'validate', file: Blob, fileName?: string}} input
   * @param {RequestOptions} [options]
   * @returns {Promise<import('./api-client.d.ts').ImportResource>}
   */
  async create({ type, mode, file, fileName }, options = {}) {
    if (!(file instanceof Blob)) throw new TypeError('create: file must be a Blob or File');
    const ownName = /** @type {{name?: unknown}} */ (/** @type {unknown} */ (file)).name;
    const name = fileName ?? (typeof ownName === 'string' && ownName ? ownName : 'import.csv');
    const extra = Math.ceil((file.size / this.uploadBytesPerSecond) * 1000);
    return this.#request('POST', '/api/v1/import', {
      ...options,
      timeoutMs: (options.timeoutMs ?? this.timeoutMs) + extra,
      body: () => {
        const form = new FormData();
        form.append('type', type);
        form.append('mode', mode);
        form.append('file', file, name);
        return form;
      },
    });
  }

  /**
   * POST /api/v1/import/map/{uuid} — maps import fields to CSV headers.
   * @param {string} uuid
   * @param {Record<string, string> | Array<Record<string, string>>} headers field → CSV header
   *   (the seeds' request sends a one-element list: [{"first_name": "fname"}])
   * @param {RequestOptions} [options]
   */
  async map(uuid, headers, options = {}) {
    const list = Array.isArray(headers) ? headers : [headers];
    return this.#request('POST', `/api/v1/import/map/${encodeURIComponent(uuid)}`, { ...options, json: { headers: list } });
  }

  /**
   * POST /api/v1/import/start/{uuid} — starts processing a mapped import.
   * @param {string} uuid
   * @param {RequestOptions} [options]
   */
  async start(uuid, options = {}) {
    return this.#request('POST', `/api/v1/import/start/${encodeURIComponent(uuid)}`, options);
  }

  /**
   * GET /api/v1/import/{uuid}
   * @param {string} uuid
   * @param {RequestOptions} [options]
   */
  async get(uuid, options = {}) {
    return this.#request('GET', `/api/v1/import/${encodeURIComponent(uuid)}`, options);
  }

  /**
   * GET /api/v1/import — one page of imports (without `headers` and `mapping`).
   * @param {import('./api-client.d.ts').ListQuery} [query]
   * @param {RequestOptions} [options]
   */
  async list(query = {}, options = {}) {
    return this.#request('GET', '/api/v1/import', { ...options, query: listQuery(query) });
  }

  /**
   * Every page of a list query, one import at a time.
   * @param {import('./api-client.d.ts').ListQuery} [query]
   * @param {RequestOptions & {maxPages?: number}} [options]
   */
  async *listAll(query = {}, { maxPages = Infinity, ...options } = {}) {
    for (let page = query.page ?? 1, pages = 0; pages < maxPages; page++, pages++) {
      const result = await this.list({ ...query, page }, options);
      yield* result.data;
      if (!result.meta || page >= result.meta.last_page || result.data.length === 0) return;
    }
  }

  /**
   * Downloads an import's error report (error_report.download_url) with the same token.
   * The token is only sent to the API's origin (and `downloadOrigins`).
   * @param {string | {error_report?: {download_url?: string} | null}} source the URL or the import
   * @param {RequestOptions} [options]
   * @returns {Promise<string>} the CSV text (the BOM removed)
   */
  async downloadErrorReport(source, options = {}) {
    const url = typeof source === 'string' ? source : source?.error_report?.download_url;
    if (!url) throw new TypeError('downloadErrorReport: the import has no error report');
    const target = new URL(url, this.baseUrl);
    if (!this.downloadOrigins.has(target.origin)) {
      throw new TypeError(`downloadErrorReport: ${target.origin} is not the API's origin; pass it in downloadOrigins to send the token there`);
    }
    return this.#request('GET', target.href, { ...options, absolute: true, expect: 'text' });
  }

  async #credential(value, refresh) {
    if (typeof value === 'function') return value({ refresh });
    return value;
  }

  /**
   * One request, with the credentials, the timeout, the caller's signal, and one retry
   * with a refreshed token after a 401 when the token is a function.
   */
  async #request(method, path, options) {
    try {
      return await this.#attempt(method, path, options, false);
    } catch (e) {
      if (e instanceof UnauthenticatedError && typeof this.#token === 'function') {
        return this.#attempt(method, path, options, true);
      }
      throw e;
    }
  }

  async #attempt(method, path, { query, json, body, signal, timeoutMs = this.timeoutMs, idempotencyKey, absolute = false, expect = 'json' }, refresh) {
    signal?.throwIfAborted();
    const url = new URL(absolute ? path : `${this.baseUrl}${path}`);
    if (query) for (const [k, v] of query) url.searchParams.append(k, v);
    const headers = new Headers({ Accept: expect === 'json' ? 'application/json' : 'text/csv, application/json' });
    const token = await this.#credential(this.#token, refresh);
    if (!token) throw new UnauthenticatedError('No API token (the token getter returned nothing).', { status: 401, method, url: url.href, mayHaveReachedServer: false });
    headers.set('Authorization', `Bearer ${token}`);
    const account = await this.#credential(this.#accountUuid, refresh);
    if (account) headers.set('X-PLANNR-ACCOUNT-UUID', account);
    if (idempotencyKey && method === 'POST') headers.set('Idempotency-Key', idempotencyKey);
    let payload;
    if (json !== undefined) {
      headers.set('Content-Type', 'application/json');
      payload = JSON.stringify(json);
    } else if (body) {
      payload = body(); // FormData: fetch sets the multipart Content-Type and boundary
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('timeout', 'TimeoutError'));
    }, timeoutMs);
    const onAbort = () => controller.abort(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const details = { method, url: url.href };
    try {
      let response;
      try {
        response = await this.#fetch(url.href, { method, headers, body: payload, signal: controller.signal, credentials: 'omit', cache: 'no-store' });
      } catch (e) {
        throw this.#networkError(e, details, { timedOut, signal, timeoutMs });
      }
      let text;
      try {
        text = await response.text();
      } catch (e) {
        throw this.#networkError(e, details, { timedOut, signal, timeoutMs });
      }
      if (response.ok) {
        if (expect === 'text') return text.replace(/^\ufeff/, '');
        try {
          return text === '' ? null : JSON.parse(text);
        } catch (e) {
          throw new ApiError(`${method} ${url.pathname}: the response is not JSON`, { ...details, status: response.status, body: text, cause: e, mayHaveReachedServer: true, mayHaveActed: true });
        }
      }
      throw httpError(response, text, details);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #networkError(e, details, { timedOut, signal, timeoutMs }) {
    if (signal?.aborted) return abortReason(signal);
    if (timedOut) {
      return new RequestTimeoutError(`${details.method} ${new URL(details.url).pathname}: no response within ${timeoutMs} ms`, {
        ...details, cause: e, mayHaveReachedServer: true, mayHaveActed: true,
      });
    }
    const code = e?.cause?.code ?? e?.code;
    const sent = !NOT_SENT_CODES.has(code);
    return new NetworkError(`${details.method} ${new URL(details.url).pathname}: ${e?.cause?.message ?? e?.message ?? 'network error'}${code ? ` (${code})` : ''}`, {
      ...details, cause: e, mayHaveReachedServer: sent, mayHaveActed: sent,
    });
  }
}

/** A non-2xx response as its ApiError subclass. */
function httpError(response, text, details) {
  let body = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  const message = body && typeof body === 'object' && typeof body.message === 'string' && body.message
    ? body.message
    : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const errors = body && typeof body === 'object' && body.errors && typeof body.errors === 'object' ? body.errors : null;
  const Class = errorClassFor(response.status);
  return new Class(message, {
    ...details,
    status: response.status,
    body,
    errors,
    retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
    headers: response.headers,
    mayHaveReachedServer: true,
    // Laravel answers 4xx before a handler changes anything; a 5xx may come after it did.
    mayHaveActed: response.status >= 500,
  });
}

/**
 * The list query's parameters, in the API's spelling.
 * @param {import('./api-client.d.ts').ListQuery} [query]
 * @returns {Array<[string, string]>}
 */
function listQuery({ include, filter = {}, sort, perPage, page } = {}) {
  /** @type {Array<[string, string]>} */
  const out = [];
  const joined = (v) => (Array.isArray(v) ? v.join(',') : String(v));
  if (include !== undefined && include !== null && include.length !== 0) out.push(['include', joined(include)]);
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) continue;
    out.push([`filter[${name}]`, joined(value)]);
  }
  if (sort !== undefined && sort !== null && sort.length !== 0) out.push(['sort', joined(sort)]);
  if (perPage !== undefined) out.push(['per_page', String(perPage)]);
  if (page !== undefined) out.push(['page', String(page)]);
  return out;
}

// cors.js — CORS for the configured origins only (never a reflected Origin).
//
// The page that posts batches runs on another origin than the API in production, so:
// - a preflight (OPTIONS with Access-Control-Request-Method) is answered without auth —
//   browsers send no credentials on it — allowing Authorization (which `*` never covers),
//   Content-Type, Accept, Idempotency-Key and X-PLANNR-ACCOUNT-UUID;
// - every response to an allowed origin exposes Retry-After and the rate-limit headers,
//   which are not CORS-safelisted: without this a browser client cannot honour them.

export const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'Idempotency-Key', 'X-PLANNR-ACCOUNT-UUID'];
export const EXPOSED_HEADERS = [
  'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset',
  'Idempotent-Replayed', 'Content-Disposition',
];
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS'];

export class Cors {
  /** @param {string[]} origins exact origins ("http://localhost:5173"), or ["*"] for any */
  constructor(origins) {
    this.any = origins.includes('*');
    this.origins = new Set(origins.filter((o) => o !== '*').map((o) => o.replace(/\/$/, '')));
  }

  /** The Access-Control-Allow-Origin value for a request's Origin, or null. */
  allowOrigin(origin) {
    if (!origin) return null;
    if (this.any) return '*';
    return this.origins.has(origin) ? origin : null;
  }

  /**
   * Headers for an ordinary response (empty when the origin is not allowed).
   * @param {string|undefined} origin
   * @param {{hideRetryAfter?: boolean}} [options] a fault: leave Retry-After unexposed
   */
  responseHeaders(origin, { hideRetryAfter = false } = {}) {
    const allow = this.allowOrigin(origin);
    if (!allow) return this.origins.size ? { vary: 'Origin' } : {};
    const exposed = hideRetryAfter ? EXPOSED_HEADERS.filter((h) => h !== 'Retry-After') : EXPOSED_HEADERS;
    return {
      'access-control-allow-origin': allow,
      'access-control-expose-headers': exposed.join(', '),
      ...(allow === '*' ? {} : { vary: 'Origin' }),
    };
  }

  /** True for a CORS preflight request. */
  static isPreflight(req) {
    return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  }

  /**
   * The preflight answer: 204 with the allowances for an allowed origin, a bare 204 (which
   * the browser treats as a refusal) for any other.
   * @returns {import('./http-util.js').Response}
   */
  preflight(origin) {
    const allow = this.allowOrigin(origin);
    const headers = allow
      ? {
        'access-control-allow-origin': allow,
        'access-control-allow-methods': ALLOWED_METHODS.join(', '),
        'access-control-allow-headers': ALLOWED_HEADERS.join(', '),
        'access-control-max-age': '600',
        ...(allow === '*' ? {} : { vary: 'Origin' }),
      }
      : { vary: 'Origin' };
    return { status: 204, headers, body: Buffer.alloc(0) };
  }
}

// faults.js — fault injection for client tests. Off by default.
//
//   {"error500": 0.1,      fraction answered 500 {"message": "Server Error"} before acting
//    "rate429": 0.1,       fraction answered 429 with Retry-After before acting
//    "retryAfter": 1,      the Retry-After seconds of those 429s
//    "slow": 0.1,          fraction held `slowMs` before being handled
//    "slowMs": 200,
//    "errorStatus": 500,   the status of those server errors: 500, 502, 503 or 504 (a 503
//                          carries Retry-After too, as load balancers send it)
//    "dropAfterAct": 0.1,  fraction handled — the import created, mapped or started and
//                          committed (with its idempotency record) — whose connection is then
//                          destroyed before a byte of the response is sent
//    "hideRetryAfter": false, true: CORS stops exposing Retry-After (a misconfigured API, so a
//                          browser client can be tested without it)
//    "methods": ["POST"],  only requests with these methods (default: all)
//    "paths": ["/api/v1/import"],  only paths starting with one of these (default: all API paths)
//    "seed": 42}           the random sequence: the same seed and the same order of requests
//                          give the same faults
//
// Each request in scope draws the same four numbers whatever fires, so one fault firing
// never shifts the sequence for the next. Faults apply to the API and the file download,
// never to CORS preflights, the admin endpoint or static files.
import { HttpError } from './http-util.js';
import { mulberry32 } from '../src/seeded-random.js';

const FRACTIONS = ['error500', 'rate429', 'slow', 'dropAfterAct'];
const KNOWN = new Set([...FRACTIONS, 'errorStatus', 'retryAfter', 'slowMs', 'methods', 'paths', 'seed', 'hideRetryAfter']);
const SERVER_ERRORS = { 500: 'Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

export { mulberry32 } from '../src/seeded-random.js';

/**
 * Checks a faults object; throws a 422-style message naming the bad key.
 * @param {unknown} value
 * @returns {object} the normalised configuration
 */
export function parseFaults(value) {
  if (value === null || value === undefined) return normalise({});
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('faults must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key)) throw new Error(`faults: unknown key "${key}" (known: ${[...KNOWN].join(', ')})`);
  }
  for (const key of FRACTIONS) {
    const v = value[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) throw new Error(`faults: "${key}" must be a number from 0 to 1`);
  }
  for (const key of ['retryAfter', 'slowMs', 'seed']) {
    const v = value[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new Error(`faults: "${key}" must be a non-negative integer`);
  }
  if (value.errorStatus !== undefined && !SERVER_ERRORS[value.errorStatus]) {
    throw new Error(`faults: "errorStatus" must be one of ${Object.keys(SERVER_ERRORS).join(', ')}`);
  }
  if (value.hideRetryAfter !== undefined && typeof value.hideRetryAfter !== 'boolean') {
    throw new Error('faults: "hideRetryAfter" must be true or false');
  }
  for (const key of ['methods', 'paths']) {
    const v = value[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) throw new Error(`faults: "${key}" must be an array of strings`);
  }
  return normalise(value);
}

function normalise(v) {
  return {
    error500: v.error500 ?? 0,
    errorStatus: v.errorStatus ?? 500,
    rate429: v.rate429 ?? 0,
    retryAfter: v.retryAfter ?? 1,
    slow: v.slow ?? 0,
    slowMs: v.slowMs ?? 200,
    dropAfterAct: v.dropAfterAct ?? 0,
    methods: v.methods ? v.methods.map((m) => m.toUpperCase()) : null,
    paths: v.paths ?? null,
    seed: v.seed ?? 1,
    hideRetryAfter: v.hideRetryAfter ?? false,
  };
}

/**
 * @typedef {object} FaultPlan what happens to one request
 * @property {HttpError|null} reject answer this instead of handling the request
 * @property {number} delayMs hold the request this long first
 * @property {boolean} dropAfterAct destroy the connection after handling it
 */

export class FaultInjector {
  /** @param {object} [config] as parseFaults returns it */
  constructor(config = parseFaults({})) {
    this.set(config);
  }

  /** Replaces the configuration, restarts the random sequence and the counters. */
  set(config) {
    this.config = config;
    this.random = mulberry32(config.seed);
    this.counts = { requests: 0, error500: 0, rate429: 0, slow: 0, dropAfterAct: 0 };
  }

  get enabled() {
    const c = this.config;
    return c.error500 > 0 || c.rate429 > 0 || c.slow > 0 || c.dropAfterAct > 0;
  }

  /** The configuration and how many of each fault fired, for GET /__admin/faults. */
  state() {
    return { faults: this.config, counts: { ...this.counts } };
  }

  /**
   * Decides the faults for one API request.
   * @param {string} method
   * @param {string} path
   * @returns {FaultPlan}
   */
  plan(method, path) {
    const none = { reject: null, delayMs: 0, dropAfterAct: false };
    const c = this.config;
    if (!this.enabled) return none;
    if (c.methods && !c.methods.includes(method)) return none;
    if (c.paths && !c.paths.some((p) => path.startsWith(p))) return none;
    this.counts.requests++;
    const [r500, r429, rSlow, rDrop] = [this.random(), this.random(), this.random(), this.random()];
    const plan = { ...none };
    if (r500 < c.error500) {
      this.counts.error500++;
      const status = c.errorStatus;
      plan.reject = new HttpError(status, { message: SERVER_ERRORS[status] }, status === 503 ? { 'retry-after': String(c.retryAfter) } : {});
      return plan;
    }
    if (r429 < c.rate429) {
      this.counts.rate429++;
      plan.reject = new HttpError(429, { message: 'Too Many Attempts.' }, {
        'retry-after': String(c.retryAfter),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + c.retryAfter),
      });
      return plan;
    }
    if (rSlow < c.slow) {
      this.counts.slow++;
      plan.delayMs = c.slowMs;
    }
    if (rDrop < c.dropAfterAct) {
      this.counts.dropAfterAct++;
      plan.dropAfterAct = true;
    }
    return plan;
  }
}

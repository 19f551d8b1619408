// rate-limit.js — Laravel's ThrottleRequests as the API documents it: 500 requests a
// minute per user (shared/spec/import-types.md §11), a fixed window that opens at a key's
// first request. Every counted response carries X-RateLimit-Limit and
// X-RateLimit-Remaining; a refused one is 429 {"message": "Too Many Attempts."} with
// Retry-After (seconds) and X-RateLimit-Reset (epoch seconds) as well.
import { HttpError } from './http-util.js';

export class RateLimiter {
  /**
   * @param {{max: number, windowMs: number}} options max 0 turns the limit off
   * @param {() => number} [clock]
   */
  constructor({ max, windowMs }, clock = Date.now) {
    this.max = max;
    this.windowMs = windowMs;
    this.clock = clock;
    /** @type {Map<string, {count: number, resetAt: number}>} */
    this.windows = new Map();
  }

  /**
   * Counts a request for `key`. Returns the headers to send; throws the 429 when the
   * window is used up (a refused request is not counted, as in Laravel).
   * @param {string} key
   * @returns {Record<string, string>}
   */
  hit(key) {
    if (this.max <= 0) return {};
    const now = this.clock();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
      this.prune(now);
    }
    if (window.count >= this.max) {
      const retryAfter = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
      throw new HttpError(429, { message: 'Too Many Attempts.' }, {
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': String(this.max),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(window.resetAt / 1000)),
      });
    }
    window.count++;
    return {
      'x-ratelimit-limit': String(this.max),
      'x-ratelimit-remaining': String(this.max - window.count),
    };
  }

  /** Forgets expired windows, so the map does not grow with every key ever seen. */
  prune(now) {
    if (this.windows.size < 1000) return;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

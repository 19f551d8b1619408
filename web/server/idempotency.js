// idempotency.js — the Idempotency-Key header on POST endpoints, with the semantics of the
// IETF draft (draft-ietf-httpapi-idempotency-key-header) and Stripe's practice:
//
// - The first request with a key runs; if it succeeds (2xx), its status, headers and body
//   are stored IN THE SAME TRANSACTION as the work it did (server.js `act`), so "acted" and
//   "remembered" can never disagree, even across a crash.
// - A repeat with the same key and the same request (method, path, canonical body) gets the
//   stored response, marked `Idempotent-Replayed: true`, and acts no more.
// - The same key with a different request → 422: the key was reused for another payload
//   (the draft's choice, and a client bug a retry cannot fix).
// - The same key while the first request is still running → 409 with Retry-After: 1
//   (the draft's "conflict"); the client may retry shortly.
// - A request that fails (4xx, 5xx, an injected fault before acting) stores nothing: the
//   key is released, and a retry runs again — as Stripe does for requests that did not act.
// Keys belong to the caller (a hash of its bearer token) and expire after `ttlMs` (24 h).
import { HttpError } from './http-util.js';

const MAX_KEY_LENGTH = 255;

export class Idempotency {
  /**
   * @param {import('./store.js').Store} store
   * @param {{ttlMs: number}} options
   */
  constructor(store, { ttlMs }) {
    this.store = store;
    this.ttlMs = ttlMs;
    const db = store.db;
    this.q = {
      get: db.prepare('SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?'),
      reserve: db.prepare(`INSERT INTO idempotency_keys (scope, key, fingerprint, state, created_at)
        VALUES (?, ?, ?, 'in_flight', ?)
        ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'in_flight',
          status = NULL, headers = NULL, body = NULL, created_at = excluded.created_at`),
      save: db.prepare(`UPDATE idempotency_keys SET state = 'done', status = ?, headers = ?, body = ?
        WHERE scope = ? AND key = ?`),
      release: db.prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'in_flight'"),
      dropInFlight: db.prepare("DELETE FROM idempotency_keys WHERE state = 'in_flight'"),
      prune: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
    };
  }

  /**
   * At start-up: requests that were in flight when the process stopped never committed
   * their work (work and record commit together), so their keys are free again.
   */
  recover() {
    this.q.dropInFlight.run();
    this.prune();
  }

  prune() {
    this.q.prune.run(Date.now() - this.ttlMs);
  }

  /**
   * Checks the header's value: 1–255 visible ASCII characters.
   * @param {string|string[]|undefined} value
   * @returns {string|null} the key, or null when there is none
   */
  static keyOf(value) {
    if (value === undefined) return null;
    const key = Array.isArray(value) ? value.join(',') : value;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
      throw new HttpError(400, { message: `The Idempotency-Key header must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters.` });
    }
    return key;
  }

  /**
   * Looks the key up before a request runs.
   * @returns {{replay: import('./http-util.js').Response}|{reservation: {scope: string, key: string}}}
   */
  begin(scope, key, fingerprint) {
    return this.store.transaction(() => {
      const now = Date.now();
      const row = this.q.get.get(scope, key);
      if (row && row.created_at >= now - this.ttlMs) {
        if (row.fingerprint !== fingerprint) {
          const message = 'This Idempotency-Key was already used for a different request.';
          throw new HttpError(422, { message, errors: { idempotency_key: [message] } });
        }
        if (row.state === 'in_flight') {
          throw new HttpError(409, { message: 'A request with this Idempotency-Key is still being processed.' }, { 'retry-after': '1' });
        }
        const headers = { ...JSON.parse(row.headers), 'idempotent-replayed': 'true' };
        return { replay: { status: row.status, headers, body: row.body } };
      }
      this.q.reserve.run(scope, key, fingerprint, now);
      return { reservation: { scope, key } };
    });
  }

  /**
   * Stores a successful response; call inside the transaction that did the work.
   * @param {{scope: string, key: string}} reservation
   * @param {import('./http-util.js').Response} response
   */
  save(reservation, response) {
    const headers = { 'content-type': response.headers['content-type'] };
    this.q.save.run(response.status, JSON.stringify(headers), response.body, reservation.scope, reservation.key);
  }

  /** Frees a key whose request did not succeed. */
  release(reservation) {
    this.q.release.run(reservation.scope, reservation.key);
  }
}

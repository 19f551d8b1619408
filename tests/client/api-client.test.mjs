// api-client.test.mjs — web/src/api-client.js against the real reference server on loopback:
// every endpoint, pagination, filters and sorting, and every error the client can meet
// (401, 403, 404, 409, 413, 422, 429 with Retry-After, 500, network errors before and after
// sending, timeouts, dropped connections, aborts), each as its Error subclass.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';

import {
  ApiError, ConflictError, ForbiddenError, HttpStatusError, ImportApiClient, NetworkError, NotFoundError, parseRetryAfter,
  PayloadTooLargeError, RateLimitError, RequestTimeoutError, ServerError, UnauthenticatedError, ValidationError,
} from '../../web/src/api-client.js';
import { clientFor, startApi } from './helpers.mjs';

const CSV = 'first_name,last_name,email,send_welcome_email\r\nJane,Doe,jane@example.com,1\r\nBob,Brown,not-an-email,1\r\nAnn,Lee,ann@example.com,0\r\n';
const IDENTITY = { first_name: 'first_name', last_name: 'last_name', email: 'email', send_welcome_email: 'send_welcome_email' };
const csvBlob = (text = CSV) => new Blob([text], { type: 'text/csv' });

async function waitFor(fn, { timeoutMs = 20_000, everyMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Expects `promise` to reject with an instance of `Class`; returns the error. */
async function rejectsWith(promise, Class) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof Class, `expected ${Class.name}, got ${e?.name}: ${e?.message}`);
    return e;
  }
  assert.fail(`expected ${Class.name}, but the call succeeded`);
}

/** A loopback port nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

describe('ImportApiClient: endpoints', () => {
  let api;
  let client;
  before(async () => {
    api = await startApi();
    client = clientFor(api);
  });
  after(() => api.close());

  test('create → map → start → get, with the seeds\' fields and types', async () => {
    const created = await client.create({ type: 'clients', mode: 'store', file: csvBlob(), fileName: 'people.csv' });
    assert.match(created.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(created.type, 'clients');
    assert.equal(created.mode, 'store');
    assert.equal(created.status, 'uploaded');
    assert.deepEqual(created.headers, ['first_name', 'last_name', 'email', 'send_welcome_email']);
    assert.deepEqual(created.mapping, {});
    for (const key of ['total_jobs', 'progress', 'jobs_remaining', 'failed_jobs']) assert.equal(typeof created[key], 'number', key);
    assert.equal(typeof created.created_at, 'string');
    assert.equal(typeof created.account, 'object');

    const mapped = await client.map(created.uuid, IDENTITY);
    assert.equal(mapped.status, 'mapped');
    assert.equal(mapped.total_jobs, 3);
    // The resource's mapping runs the other way: CSV header → field.
    assert.deepEqual(mapped.mapping, { first_name: 'first_name', last_name: 'last_name', email: 'email', send_welcome_email: 'send_welcome_email' });

    const started = await client.start(created.uuid);
    assert.equal(started.status, 'processing');

    const done = await waitFor(async () => {
      const imp = await client.get(created.uuid);
      return ['completed', 'failed'].includes(imp.status) ? imp : null;
    });
    assert.equal(done.status, 'completed');
    assert.equal(done.total_jobs, 3);
    assert.equal(done.failed_jobs, 1);
    assert.equal(done.progress, 100);
    assert.equal(done.errors.length, 1);
    assert.deepEqual(done.errors[0].errors, { email: ['The email field must be a valid email address.'] });
    assert.equal(done.errors[0].client.email, 'not-an-email');

    // The error report downloads with the same token.
    const report = await client.downloadErrorReport(done);
    assert.match(report, /^"line","first_name","last_name","email","send_welcome_email","errors"\r\n/);
    assert.match(report, /"3","Bob","Brown","not-an-email","1","The email field must be a valid email address."/);
    // …and the token is never sent to another origin.
    await assert.rejects(client.downloadErrorReport('https://elsewhere.example/file/x/download'), /not the API's origin/);
  });

  test('map accepts the seeds\' list form and a plain object alike', async () => {
    const a = await client.create({ type: 'clients', mode: 'validate', file: csvBlob() });
    const mapped = await client.map(a.uuid, [IDENTITY]);
    assert.equal(mapped.status, 'mapped');
  });

  test('list: pagination, filters, sort, include', async () => {
    const local = await startApi();
    try {
      const c = clientFor(local);
      const uuids = [];
      for (let i = 0; i < 5; i++) uuids.push((await c.create({ type: 'clients', mode: 'store', file: csvBlob(), fileName: `f${i}.csv` })).uuid);
      await c.map(uuids[4], IDENTITY);

      const page1 = await c.list({ perPage: 2 });
      assert.equal(page1.data.length, 2);
      assert.equal(page1.meta.total, 5);
      assert.equal(page1.meta.last_page, 3);
      assert.equal(page1.meta.per_page, 2);
      assert.equal(page1.meta.current_page, 1);
      assert.ok(page1.links.next);
      assert.equal(page1.links.prev, null);
      assert.equal(page1.data[0].headers, undefined, 'the index route omits headers');
      assert.equal(page1.data[0].mapping, undefined, 'the index route omits mapping');
      assert.equal(page1.data[0].account, undefined, 'account only with include=initiatedBy');
      const page3 = await c.list({ perPage: 2, page: 3 });
      assert.equal(page3.data.length, 1);
      assert.equal(page3.links.next, null);

      const all = [];
      for await (const imp of c.listAll({ perPage: 2 })) all.push(imp.uuid);
      assert.deepEqual(all, uuids, 'default sort: created_at ascending');

      const desc = await c.list({ sort: '-created_at', perPage: 500 });
      assert.deepEqual(desc.data.map((d) => d.uuid), [...uuids].reverse());

      const two = await c.list({ filter: { uuid: [uuids[1], uuids[3]] } });
      assert.deepEqual(two.data.map((d) => d.uuid).sort(), [uuids[1], uuids[3]].sort());

      assert.equal((await c.list({ filter: { types: 'clients' } })).meta.total, 5);
      assert.equal((await c.list({ filter: { types: ['plans', 'notes'] } })).meta.total, 0);
      assert.deepEqual((await c.list({ filter: { statuses: 'mapped' } })).data.map((d) => d.uuid), [uuids[4]]);
      assert.equal((await c.list({ filter: { statuses: ['uploaded', 'mapped'] } })).meta.total, 5);

      const withAccount = await c.list({ include: 'initiatedBy', perPage: 1 });
      assert.equal(withAccount.data[0].account.uuid, local.account.uuid);

      // A bad sort or filter is the API's 400 (Spatie query builder), not retryable.
      const bad = await rejectsWith(c.list({ sort: 'name' }), HttpStatusError);
      assert.equal(bad.status, 400);
      assert.equal(bad.retryable, false);
      // per_page is capped at 500 with a 422.
      const tooMany = await rejectsWith(c.list({ perPage: 501 }), ValidationError);
      assert.ok(tooMany.errors.per_page);
    } finally {
      await local.close();
    }
  });

  test('an Idempotency-Key makes a repeated create return the first import', async () => {
    const key = `test-${Date.now()}`;
    const a = await client.create({ type: 'clients', mode: 'store', file: csvBlob(), fileName: 'same.csv' }, { idempotencyKey: key });
    const b = await client.create({ type: 'clients', mode: 'store', file: csvBlob(), fileName: 'same.csv' }, { idempotencyKey: key });
    assert.equal(b.uuid, a.uuid);
    const count = api.db().prepare("SELECT count(*) FROM imports WHERE file_name = 'same.csv'").pluck().get();
    assert.equal(count, 1);
  });

  test('the credentials stay in memory: not enumerable, not serialisable', () => {
    const c = new ImportApiClient({ baseUrl: api.url, token: 'secret-token-value', accountUuid: 'acct' });
    assert.doesNotMatch(JSON.stringify(c), /secret-token-value/);
    assert.ok(!Object.values(c).some((v) => v === 'secret-token-value'));
  });
});

describe('ImportApiClient: errors', () => {
  let api;
  let client;
  before(async () => {
    api = await startApi();
    client = clientFor(api);
  });
  after(() => api.close());

  test('401 Unauthenticated: a wrong token', async () => {
    const c = new ImportApiClient({ baseUrl: api.url, token: 'wrong' });
    const e = await rejectsWith(c.list(), UnauthenticatedError);
    assert.equal(e.status, 401);
    assert.equal(e.message, 'Unauthenticated.');
    assert.equal(e.retryable, false);
    assert.equal(e.mayHaveReachedServer, true);
    assert.equal(e.mayHaveActed, false);
    assert.ok(e instanceof ApiError && e instanceof HttpStatusError && e instanceof Error);
  });

  test('401 once: a token getter is asked again with {refresh: true}', async () => {
    const calls = [];
    const c = new ImportApiClient({
      baseUrl: api.url,
      token: ({ refresh }) => {
        calls.push(refresh);
        return refresh ? api.token : 'expired';
      },
    });
    const page = await c.list({ perPage: 1 });
    assert.ok(Array.isArray(page.data));
    assert.deepEqual(calls, [false, true]);
  });

  test('403: an X-PLANNR-ACCOUNT-UUID the token may not act for', async () => {
    const c = new ImportApiClient({ baseUrl: api.url, token: api.token, accountUuid: '00000000-0000-4000-8000-000000000000' });
    const e = await rejectsWith(c.list(), ForbiddenError);
    assert.equal(e.status, 403);
  });

  test('404: an unknown import, on get, map and start', async () => {
    const unknown = '3b4e1c2a-0000-4000-8000-000000000000';
    for (const call of [() => client.get(unknown), () => client.map(unknown, IDENTITY), () => client.start(unknown)]) {
      const e = await rejectsWith(call(), NotFoundError);
      assert.equal(e.status, 404);
      assert.equal(e.retryable, false);
      assert.match(e.message, /No query results|not found/i);
    }
  });

  test('422: a bad type, mode and file; a bad mapping — Laravel\'s {message, errors}', async () => {
    const e = await rejectsWith(client.create({ type: 'unicorns', mode: 'sideways', file: csvBlob() }), ValidationError);
    assert.equal(e.status, 422);
    assert.deepEqual(Object.keys(e.errors).sort(), ['mode', 'type']);
    assert.equal(e.errors.type[0], 'The selected type is invalid.');
    assert.match(e.message, /^The selected type is invalid\. \(and 1 more error\)$/);
    assert.equal(e.retryable, false);
    assert.equal(e.mayHaveActed, false);

    const empty = await rejectsWith(client.create({ type: 'clients', mode: 'store', file: new Blob([]), fileName: 'empty.csv' }), ValidationError);
    assert.ok(empty.errors.file);

    const imp = await client.create({ type: 'clients', mode: 'store', file: csvBlob() });
    const bad = await rejectsWith(client.map(imp.uuid, { bogus_field: 'email' }), ValidationError);
    assert.ok(Object.keys(bad.errors).some((k) => k.startsWith('headers')), JSON.stringify(bad.errors));
  });

  test('409: start before map', async () => {
    const imp = await client.create({ type: 'clients', mode: 'store', file: csvBlob() });
    const e = await rejectsWith(client.start(imp.uuid), ConflictError);
    assert.equal(e.status, 409);
    assert.equal(e.retryable, false);
  });

  test('413: an upload over the API\'s size limit', async () => {
    const small = await startApi({ maxUploadBytes: 2000 });
    try {
      const big = CSV + 'Zed,Zulu,zed@example.com,1\r\n'.repeat(200);
      const e = await rejectsWith(clientFor(small).create({ type: 'clients', mode: 'store', file: csvBlob(big) }), PayloadTooLargeError);
      assert.equal(e.status, 413);
      assert.equal(e.retryable, false);
    } finally {
      await small.close();
    }
  });

  test('429 with Retry-After: over the rate limit', async () => {
    const limited = await startApi({ rateLimit: 3, rateWindowMs: 60_000 });
    try {
      const c = clientFor(limited);
      for (let i = 0; i < 3; i++) await c.list();
      const e = await rejectsWith(c.list(), RateLimitError);
      assert.equal(e.status, 429);
      assert.equal(e.message, 'Too Many Attempts.');
      assert.ok(e.retryAfterSeconds >= 1 && e.retryAfterSeconds <= 60, `Retry-After ${e.retryAfterSeconds}`);
      assert.equal(e.retryable, true);
      assert.equal(e.mayHaveActed, false);
    } finally {
      await limited.close();
    }
  });

  test('429 and 500 injected by the server\'s faults', async () => {
    await api.setFaults({ rate429: 1, retryAfter: 7 });
    const e429 = await rejectsWith(client.list(), RateLimitError);
    assert.equal(e429.retryAfterSeconds, 7);
    await api.setFaults({ error500: 1 });
    const e500 = await rejectsWith(client.list(), ServerError);
    assert.equal(e500.status, 500);
    assert.equal(e500.retryable, true);
    assert.equal(e500.mayHaveActed, true);
    await api.setFaults({});
  });

  test('a network error before sending: nothing listens on the port', async () => {
    const c = new ImportApiClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, token: 't' });
    const e = await rejectsWith(c.list(), NetworkError);
    assert.equal(e.status, 0);
    assert.equal(e.mayHaveReachedServer, false);
    assert.equal(e.mayHaveActed, false);
    assert.equal(e.retryable, true);
  });

  test('a connection dropped after the server acted: the create may have happened', async () => {
    await api.setFaults({ dropAfterAct: 1, methods: ['POST'], paths: ['/api/v1/import'] });
    const before = api.db().prepare('SELECT count(*) FROM imports').pluck().get();
    try {
      const e = await rejectsWith(client.create({ type: 'clients', mode: 'store', file: csvBlob(), fileName: 'dropped.csv' }), NetworkError);
      assert.equal(e.mayHaveReachedServer, true);
      assert.equal(e.mayHaveActed, true);
      assert.ok(!(e instanceof RequestTimeoutError));
    } finally {
      await api.setFaults({});
    }
    assert.equal(api.db().prepare('SELECT count(*) FROM imports').pluck().get(), before + 1, 'the server did act');
  });

  test('the per-request timeout: a slow response', async () => {
    await api.setFaults({ slow: 1, slowMs: 1500 });
    try {
      const c = clientFor(api, { timeoutMs: 150 });
      const e = await rejectsWith(c.list(), RequestTimeoutError);
      assert.ok(e instanceof NetworkError);
      assert.equal(e.mayHaveReachedServer, true);
      assert.equal(e.retryable, true);
      assert.match(e.message, /no response within 150 ms/);
    } finally {
      await api.setFaults({});
    }
  });

  test('an AbortSignal cancels a request with an AbortError', async () => {
    await api.setFaults({ slow: 1, slowMs: 1500 });
    try {
      const controller = new AbortController();
      const pending = client.list({}, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(pending, (e) => e.name === 'AbortError');
      const already = AbortSignal.abort();
      await assert.rejects(client.get('x', { signal: already }), (e) => e.name === 'AbortError');
    } finally {
      await api.setFaults({});
    }
  });

  test('Retry-After in both forms', () => {
    assert.equal(parseRetryAfter('5'), 5);
    assert.equal(parseRetryAfter(null), null);
    assert.equal(parseRetryAfter('soon'), null);
    const now = Date.parse('2026-01-15T10:00:00Z');
    assert.equal(parseRetryAfter('Thu, 15 Jan 2026 10:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter('Thu, 15 Jan 2026 09:00:00 GMT', now), 0);
  });
});

// faults.test.mjs — each injected fault behaves as specified (500 and 429 before acting, a
// delay, a connection dropped after acting), faults are scoped and deterministic with a seed,
// the admin endpoint changes them at run time, and the real rate limit answers 429 with
// Retry-After and the X-RateLimit headers.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { api, clientsCsv, createImport, newKey, openDb, startTestServer } from './helpers.mjs';

const ORIGIN = 'http://app.example.test';
let server;
before(async () => {
  server = await startTestServer({ corsOrigins: [ORIGIN] });
});
after(() => server.cleanup());

const setFaults = (faults) => api(server, 'POST', '/__admin/faults', { json: faults });
const imports = () => {
  const db = openDb(server.db);
  try {
    return db.prepare('SELECT count(*) FROM imports').pluck().get();
  } finally {
    db.close();
  }
};

describe('fault kinds', () => {
  it('error500: answers 500 before acting', async () => {
    await setFaults({ error500: 1 });
    const before = imports();
    const res = await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(1) });
    assert.equal(res.status, 500);
    assert.deepEqual(res.json, { message: 'Server Error' });
    assert.equal(imports(), before, 'nothing created');
    assert.equal((await api(server, 'GET', '/api/v1/import')).status, 500);
    await setFaults({});
  });

  it('rate429: answers 429 with the configured Retry-After before acting', async () => {
    await setFaults({ rate429: 1, retryAfter: 3 });
    const before = imports();
    const res = await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(1) });
    assert.equal(res.status, 429);
    assert.deepEqual(res.json, { message: 'Too Many Attempts.' });
    assert.equal(res.headers.get('retry-after'), '3');
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(imports(), before);
    await setFaults({});
  });

  it('errorStatus: the server errors can be 503s with Retry-After', async () => {
    await setFaults({ error500: 1, errorStatus: 503, retryAfter: 2 });
    const res = await api(server, 'GET', '/api/v1/import');
    assert.equal(res.status, 503);
    assert.deepEqual(res.json, { message: 'Service Unavailable' });
    assert.equal(res.headers.get('retry-after'), '2');
    await setFaults({});
  });

  it('hideRetryAfter: CORS stops exposing Retry-After, and nothing else changes', async () => {
    const exposed = async () => (await api(server, 'GET', '/api/v1/import', { headers: { origin: ORIGIN } }))
      .headers.get('access-control-expose-headers').split(', ');
    assert.ok((await exposed()).includes('Retry-After'));
    await setFaults({ hideRetryAfter: true });
    const hidden = await exposed();
    assert.ok(!hidden.includes('Retry-After'));
    assert.ok(hidden.includes('X-RateLimit-Remaining'));
    await setFaults({});
  });

  it('slow: holds the request for slowMs, then answers normally', async () => {
    await setFaults({ slow: 1, slowMs: 300 });
    const started = Date.now();
    const res = await api(server, 'GET', '/api/v1/import');
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started >= 290, 'held at least slowMs'); // a lower bound only: never flaky when busy
    const { json } = await api(server, 'GET', '/__admin/faults');
    assert.equal(json.counts.slow, 1, 'the API call was held; admin calls never are');
    await setFaults({});
  });

  it('dropAfterAct: acts, then destroys the connection before any response byte', async () => {
    await setFaults({ dropAfterAct: 1, paths: ['/api/v1/import'], methods: ['POST'] });
    const before = imports();
    const key = newKey();
    const data = clientsCsv(2);
    await assert.rejects(createImport(server, { type: 'clients', mode: 'store', data, headers: { 'idempotency-key': key } }), (e) => {
      assert.match(e.cause?.code ?? e.cause?.message ?? '', /UND_ERR_SOCKET|ECONNRESET|other side closed/);
      return true;
    });
    assert.equal(imports(), before + 1, 'the import was created');
    await setFaults({});
    const retry = await createImport(server, { type: 'clients', mode: 'store', data, headers: { 'idempotency-key': key } });
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true', 'the retry gets the response that was lost');
    assert.equal(imports(), before + 1);
  });

  it('a raw client sees the connection closed with no status line', async () => {
    await setFaults({ dropAfterAct: 1 });
    const url = new URL(`${server.url}/api/v1/import`);
    const outcome = await new Promise((resolve) => {
      const req = request(url, { headers: { authorization: `Bearer ${server.token}` } }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (e) => resolve(e.code));
      req.end();
    });
    assert.equal(outcome, 'ECONNRESET');
    await setFaults({});
  });
});

describe('scope, determinism and the admin endpoint', () => {
  it('limits faults to the given methods and paths, never to preflights or the admin endpoint', async () => {
    await setFaults({ error500: 1, methods: ['POST'], paths: ['/api/v1/import/start'] });
    assert.equal((await api(server, 'GET', '/api/v1/import')).status, 200);
    assert.equal((await api(server, 'POST', `/api/v1/import/start/${newKey()}`)).status, 500);
    assert.equal((await api(server, 'POST', `/api/v1/import/map/${newKey()}`, { json: {} })).status, 404);
    await setFaults({ error500: 1 });
    const preflight = await api(server, 'OPTIONS', '/api/v1/import', { token: null, headers: { origin: 'http://x', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal((await api(server, 'GET', '/__admin/faults')).status, 200);
    await setFaults({});
  });

  it('gives the same faults for the same seed and sequence of requests', async () => {
    const sequence = async () => {
      await setFaults({ error500: 0.3, rate429: 0.2, seed: 5 });
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await api(server, 'GET', '/api/v1/import?per_page=1')).status);
      return statuses;
    };
    const first = await sequence();
    assert.deepEqual(await sequence(), first);
    assert.ok(first.includes(500) && first.includes(429) && first.includes(200), first.join(','));
    const { json } = await api(server, 'GET', '/__admin/faults');
    assert.equal(json.counts.requests, 20);
    assert.equal(json.counts.error500, first.filter((s) => s === 500).length);
    assert.equal(json.faults.seed, 5);
    await setFaults({});
  });

  it('guards the admin endpoint with the token and validates what it is given', async () => {
    assert.equal((await api(server, 'GET', '/__admin/faults', { token: null })).status, 401);
    assert.equal((await api(server, 'POST', '/__admin/faults', { token: 'nope', json: { error500: 1 } })).status, 401);
    const bad = await setFaults({ error500: 'often' });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.message, 'faults: "error500" must be a number from 0 to 1');
    const unknown = await setFaults({ explode: 1 });
    assert.equal(unknown.status, 422);
    assert.match(unknown.json.message, /unknown key "explode"/);
    assert.equal((await api(server, 'DELETE', '/__admin/faults')).status, 405);
    const { json } = await api(server, 'GET', '/__admin/faults');
    assert.equal(json.faults.error500, 0, 'a refused configuration changes nothing');
  });
});

describe('rate limit', () => {
  it('allows N requests a window per user, then 429 with Retry-After and X-RateLimit headers', async () => {
    const limited = await startTestServer({ rateLimit: 3, rateWindowMs: 60_000 });
    try {
      const remaining = [];
      for (let i = 0; i < 3; i++) {
        const res = await api(limited, 'GET', '/api/v1/import');
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('x-ratelimit-limit'), '3');
        remaining.push(res.headers.get('x-ratelimit-remaining'));
      }
      assert.deepEqual(remaining, ['2', '1', '0']);
      const refused = await api(limited, 'GET', '/api/v1/import');
      assert.equal(refused.status, 429);
      assert.deepEqual(refused.json, { message: 'Too Many Attempts.' });
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(Number(refused.headers.get('x-ratelimit-reset')) * 1000 > Date.now());
      const unauthenticated = await api(limited, 'GET', '/api/v1/import', { token: null });
      assert.equal(unauthenticated.status, 401, 'auth comes first, as in Laravel');
    } finally {
      await limited.cleanup();
    }
  });

  it('opens a new window when the old one has passed', async () => {
    const limited = await startTestServer({ rateLimit: 1, rateWindowMs: 1000 });
    try {
      assert.equal((await api(limited, 'GET', '/api/v1/import')).status, 200);
      const refused = await api(limited, 'GET', '/api/v1/import');
      assert.equal(refused.status, 429);
      await new Promise((r) => setTimeout(r, Number(refused.headers.get('retry-after')) * 1000 + 50));
      assert.equal((await api(limited, 'GET', '/api/v1/import')).status, 200);
    } finally {
      await limited.cleanup();
    }
  });
});

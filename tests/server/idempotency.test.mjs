// idempotency.test.mjs — the Idempotency-Key header on the POST endpoints: a repeat
// replays the first response and acts once (also after a restart); another request under
// the same key is 422; the same key while the first is still running is 409; a failed
// request keeps nothing; and a client that retries through injected faults — 500s, 429s and
// connections dropped after the server acted — creates each import exactly once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  api, CLIENTS_MAPPING, clientsCsv, createImport, importForm, newKey, openDb, requestWithRetries,
  startTestServer, tempDir, TOKEN, waitForStatus,
} from './helpers.mjs';

let server;
before(async () => {
  server = await startTestServer({ sliceBytes: 1024 });
});
after(() => server.cleanup());

const importCount = (s) => {
  const db = openDb(s.db);
  try {
    return db.prepare('SELECT count(*) FROM imports').pluck().get();
  } finally {
    db.close();
  }
};

const withKey = (key) => ({ 'idempotency-key': key });

describe('Idempotency-Key', () => {
  it('replays the first create and creates once, though each upload has its own multipart boundary', async () => {
    const key = newKey();
    const data = clientsCsv(3);
    const before = importCount(server);
    const first = await createImport(server, { type: 'clients', mode: 'store', data, headers: withKey(key) });
    const second = await createImport(server, { type: 'clients', mode: 'store', data, headers: withKey(key) });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.headers.get('content-type'), 'application/json');
    assert.equal(second.text, first.text, 'the very same body');
    assert.equal(importCount(server), before + 1);
  });

  it('replays map and start, which act once', async () => {
    const { json: imp } = await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(4) });
    const mapKey = newKey();
    const map1 = await api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, { json: { headers: [CLIENTS_MAPPING] }, headers: withKey(mapKey) });
    const map2 = await api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, { json: { headers: [CLIENTS_MAPPING] }, headers: withKey(mapKey) });
    assert.equal(map2.text, map1.text);
    assert.equal(map2.headers.get('idempotent-replayed'), 'true');
    const startKey = newKey();
    const start1 = await api(server, 'POST', `/api/v1/import/start/${imp.uuid}`, { headers: withKey(startKey) });
    await waitForStatus(server, imp.uuid);
    const start2 = await api(server, 'POST', `/api/v1/import/start/${imp.uuid}`, { headers: withKey(startKey) });
    assert.equal(start2.text, start1.text, 'the stored response, not the current state');
    assert.equal(start2.json.status, 'processing');
    const db = openDb(server.db);
    const history = db.prepare('SELECT status FROM import_status_history WHERE import_uuid = ? ORDER BY id').pluck().all(imp.uuid);
    db.close();
    assert.deepEqual(history, ['uploaded', 'mapped', 'processing', 'completed']);
  });

  it('answers 422 when the key comes back with a different request', async () => {
    const key = newKey();
    assert.equal((await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(2), headers: withKey(key) })).status, 200);
    const message = 'This Idempotency-Key was already used for a different request.';
    const otherFile = await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(5), headers: withKey(key) });
    assert.equal(otherFile.status, 422);
    assert.deepEqual(otherFile.json, { message, errors: { idempotency_key: [message] } });
    const otherMode = await createImport(server, { type: 'clients', mode: 'validate', data: clientsCsv(2), headers: withKey(key) });
    assert.equal(otherMode.status, 422);
    const otherPath = await api(server, 'POST', `/api/v1/import/start/${newKey()}`, { headers: withKey(key) });
    assert.equal(otherPath.status, 422);
  });

  it('keeps nothing for a request that failed, so the key can be used again', async () => {
    const key = newKey();
    const bad = await createImport(server, { type: 'nope', mode: 'store', data: clientsCsv(2), headers: withKey(key) });
    assert.equal(bad.status, 422);
    const good = await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(2), headers: withKey(key) });
    assert.equal(good.status, 200, good.text);
    assert.equal(good.headers.get('idempotent-replayed'), null);
  });

  it('answers 409 with Retry-After while the first request with the key is still running', async () => {
    const { json: imp } = await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(6000) });
    const key = newKey();
    const body = { json: { headers: [CLIENTS_MAPPING] }, headers: withKey(key) };
    // The map call counts 6000 rows in 1 KiB slices, yielding between them: long enough in flight.
    const first = api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, body);
    let conflict = null;
    let settled = false;
    first.finally(() => { settled = true; });
    while (!settled && !conflict) {
      const res = await api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, body);
      if (res.status === 409) conflict = res;
      else assert.equal(res.headers.get('idempotent-replayed'), 'true');
    }
    assert.ok(conflict, 'a repeat arrived while the first was running');
    assert.equal(conflict.headers.get('retry-after'), '1');
    assert.deepEqual(conflict.json, { message: 'A request with this Idempotency-Key is still being processed.' });
    const done = await first;
    assert.equal(done.status, 200);
    const replay = await api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, body);
    assert.equal(replay.text, done.text);
  });

  it('refuses a key that is not 1–255 visible ASCII characters', async () => {
    for (const key of ['x'.repeat(256), 'two words']) {
      const res = await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(1), headers: withKey(key) });
      assert.equal(res.status, 400, key.slice(0, 10));
      assert.equal(res.json.message, 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.');
    }
  });

  it('remembers keys across a restart', async () => {
    const tmp = tempDir();
    try {
      const db = join(tmp.dir, 'keys.sqlite');
      const key = newKey();
      const first = await startTestServer({ db });
      const created = await createImport(first, { type: 'clients', mode: 'store', data: clientsCsv(2), headers: withKey(key) });
      await first.close();
      const second = await startTestServer({ db });
      try {
        const again = await createImport(second, { type: 'clients', mode: 'store', data: clientsCsv(2), headers: withKey(key) });
        assert.equal(again.headers.get('idempotent-replayed'), 'true');
        assert.equal(again.json.uuid, created.json.uuid);
        assert.equal(importCount(second), 1);
      } finally {
        await second.close();
      }
    } finally {
      tmp.cleanup();
    }
  });
});

describe('retried requests under injected faults', () => {
  /** Retries one POST under one key, rebuilding the body for each attempt. */
  const post = (s, path, makeBody, key) => requestWithRetries(() => fetch(s.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': key, ...makeBody.headers },
    body: makeBody.body(),
  }));

  it('creates, maps and starts each import exactly once through 500s, 429s and dropped connections', async () => {
    const faulty = await startTestServer({
      faults: { error500: 0.2, rate429: 0.15, retryAfter: 0, dropAfterAct: 0.3, methods: ['POST'], seed: 11 },
    });
    try {
      const imports = 8;
      const uuids = [];
      for (let i = 0; i < imports; i++) {
        const data = clientsCsv(5, { prefix: `Batch${i}x` });
        const created = await post(faulty, '/api/v1/import', { body: () => importForm({ type: 'clients', mode: 'store', data }) }, `create-${i}`);
        assert.equal(created.response.status, 200);
        const { uuid } = await created.response.json();
        uuids.push(uuid);
        const json = { headers: { 'content-type': 'application/json' }, body: () => JSON.stringify({ headers: [CLIENTS_MAPPING] }) };
        assert.equal((await post(faulty, `/api/v1/import/map/${uuid}`, json, `map-${i}`)).response.status, 200);
        assert.equal((await post(faulty, `/api/v1/import/start/${uuid}`, { body: () => undefined }, `start-${i}`)).response.status, 200);
      }
      for (const uuid of uuids) await waitForStatus(faulty, uuid);

      const { json: state } = await api(faulty, 'GET', '/__admin/faults');
      assert.ok(state.counts.dropAfterAct > 0, 'some responses were lost after the server acted');
      assert.ok(state.counts.error500 > 0 && state.counts.rate429 > 0);

      const db = openDb(faulty.db);
      try {
        assert.equal(db.prepare('SELECT count(*) FROM imports').pluck().get(), imports, 'no import created twice');
        assert.equal(db.prepare('SELECT count(*) FROM records').pluck().get(), imports * 5, 'no row imported twice');
        const statuses = db.prepare('SELECT status, count(*) n FROM import_status_history GROUP BY status ORDER BY status').all();
        assert.deepEqual(statuses, ['completed', 'mapped', 'processing', 'uploaded'].map((status) => ({ status, n: imports })));
      } finally {
        db.close();
      }
    } finally {
      await faulty.cleanup();
    }
  });

  it('without a key, a create whose response was lost has still happened (the orphan a client must look for)', async () => {
    const faulty = await startTestServer({ faults: { dropAfterAct: 1, methods: ['POST'] } });
    try {
      await assert.rejects(createImport(faulty, { type: 'clients', mode: 'store', data: clientsCsv(1) }), /fetch failed/);
      assert.equal(importCount(faulty), 1);
    } finally {
      await faulty.cleanup();
    }
  });
});

// faults.test.mjs — the same import under each fault the reference server can inject
// (500s, 429 with Retry-After, slow responses past the client's timeout, connections dropped
// after the server acted, and a mix), proving zero rows lost and zero duplicated: every
// clean row is one record, every batch is one import (counted by the batch identity in its
// file name), and the totals reconcile. The faults are seeded, so a run is repeatable.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { BatchPoster } from '../../web/src/batch-poster.js';
import { hashFile, MemoryResumeStore } from '../../web/src/resume-store.js';
import {
  buildBatches, CLIENT_MAPPING, clientFor, FAST, generateClients, importProblems, importsByFileName, startApi,
} from './helpers.mjs';

/**
 * Imports a generated file with `faults` on, then checks the server's database.
 * @returns the run result, the fault counts and the elapsed time
 */
async function importUnder(faults, { rows = 100, batchRows = 10, timeoutMs = 5000, poster = {}, tag = 'f' } = {}) {
  const api = await startApi();
  try {
    const gen = generateClients(rows, { badEvery: 9, multilineEvery: 13, tag });
    const built = await buildBatches(gen.text, { type: 'clients', mode: 'store', mapping: CLIENT_MAPPING, batchRows });
    await api.setFaults({ seed: Number(process.env.PREFLIGHT_FAULT_SEED ?? 7), ...faults });
    const started = Date.now();
    const p = new BatchPoster({
      client: clientFor(api, { timeoutMs }),
      store: new MemoryResumeStore(),
      run: { fileHash: await hashFile(new Blob([gen.text])), type: 'clients', mode: 'store', mapping: CLIENT_MAPPING },
      ...FAST,
      ...poster,
    });
    const result = await p.run(built.batches, { summary: built.summary, localErrorReport: built.errorCsv });
    const elapsed = Date.now() - started;
    const counts = await api.faultCounts();
    await api.setFaults({});
    // Let requests the client gave up on (slow ones) finish on the server before counting.
    await new Promise((r) => setTimeout(r, (faults.slowMs ?? 0) + 100));

    assert.equal(result.complete, true, `incomplete: ${JSON.stringify(result.batches.filter((b) => b.state !== 'finished').map((b) => [b.index, b.state, b.lastError]))}`);
    const db = api.db();
    assert.deepEqual(importProblems(db, gen), [], 'every clean row exactly once, no bad row');
    const imports = importsByFileName(db);
    for (const b of result.batches) {
      assert.deepEqual(imports.get(b.fileName), { n: 1, started: 1 }, `batch ${b.index}: one import, started once`);
    }
    assert.equal([...imports.values()].reduce((a, i) => a + i.n, 0), built.batches.length, 'no other imports');
    const r = result.reconciliation;
    assert.equal(r.balanced, true, r.problems.join('; '));
    assert.equal(r.rowsAccepted, gen.good.size);
    assert.equal(r.rowsFailedLocally, gen.bad.size);
    assert.equal(r.rowsNotSent, 0);
    return { result, counts, elapsed };
  } finally {
    await api.close();
  }
}

describe('BatchPoster under injected faults: zero rows lost, zero duplicated', () => {
  test('500s on a third of the requests', async () => {
    const { result, counts } = await importUnder({ error500: 0.3 });
    assert.ok(counts.error500 >= 1, `500s injected: ${counts.error500}`);
    assert.equal(result.counts.retries, counts.error500, 'each 500 retried once');
  });

  test('429 with Retry-After on a fifth of the requests: Retry-After is honoured', async () => {
    const { counts, elapsed } = await importUnder({ rate429: 0.2, retryAfter: 1 }, { rows: 60 });
    assert.ok(counts.rate429 >= 1, `429s injected: ${counts.rate429}`);
    // Every 429 says "wait 1 s"; the poster waited at least that once (no upper bound asserted).
    assert.ok(elapsed >= 1000, `elapsed ${elapsed} ms`);
  });

  test('slow responses past the client\'s timeout: the server acted, the client never heard', async () => {
    const { counts, result } = await importUnder({ slow: 0.25, slowMs: 700 }, { timeoutMs: 250, rows: 60 });
    assert.ok(counts.slow >= 1, `slow requests: ${counts.slow}`);
    assert.ok(result.counts.retries >= counts.slow, 'every slow request timed out and was retried');
  });

  test('connections dropped after the server acted (create, map, start, get)', async () => {
    const { counts, result } = await importUnder({ dropAfterAct: 0.3 });
    assert.ok(counts.dropAfterAct >= 1, `dropped: ${counts.dropAfterAct}`);
    // A create whose response was lost is looked up, and — the server did act — found.
    for (const b of result.batches) if (b.lookups > 0) assert.equal(b.adopted, true, `batch ${b.index}`);
    assert.equal(result.counts.orphans, 0);
  });

  test('dropped creates WITHOUT Idempotency-Keys: the list-endpoint lookup alone prevents duplicates', async () => {
    const { counts, result } = await importUnder(
      { dropAfterAct: 0.5, methods: ['POST'] },
      { poster: { idempotencyKeys: false }, tag: 'nokey' },
    );
    assert.ok(counts.dropAfterAct >= 1, `dropped: ${counts.dropAfterAct}`);
    // About half the creates were dropped after the server acted; each was found and adopted.
    assert.ok(result.counts.adopted >= 1, `adopted ${result.counts.adopted}`);
    for (const b of result.batches) if (b.lookups > 0) assert.equal(b.adopted, true, `batch ${b.index}`);
    assert.equal(result.counts.orphans, 0);
  });

  test('a mix of everything, with the rate limiter on', async () => {
    const { counts } = await importUnder(
      { error500: 0.08, rate429: 0.06, retryAfter: 1, slow: 0.12, slowMs: 600, dropAfterAct: 0.12 },
      { timeoutMs: 250, rows: 100, poster: { rateLimit: { requestsPerMinute: 6000, burst: 5 } } },
    );
    const fired = Object.entries(counts).filter(([k, v]) => k !== 'requests' && v > 0).map(([k]) => k);
    assert.deepEqual(fired.sort(), ['dropAfterAct', 'error500', 'rate429', 'slow'], JSON.stringify(counts));
  });

  test('the server\'s own rate limit (not injected): real 429s with Retry-After are waited out', async () => {
    // 25 requests per 2 s window; no token bucket on the client, so it runs into the limit.
    const api = await startApi({ rateLimit: 25, rateWindowMs: 2000 });
    try {
      const gen = generateClients(100, { badEvery: 9, tag: 'rl' });
      const built = await buildBatches(gen.text, { type: 'clients', mode: 'store', mapping: CLIENT_MAPPING, batchRows: 10 });
      const p = new BatchPoster({
        client: clientFor(api), store: new MemoryResumeStore(),
        run: { fileHash: await hashFile(new Blob([gen.text])), type: 'clients', mode: 'store', mapping: CLIENT_MAPPING },
        ...FAST, concurrency: 4,
      });
      let limited = 0;
      p.addEventListener('batch', (e) => { if (e.detail.lastError?.status === 429) limited++; });
      const result = await p.run(built.batches, { summary: built.summary });
      assert.equal(result.complete, true);
      assert.ok(limited >= 1, 'the server refused some requests with 429');
      assert.deepEqual(importProblems(api.db(), gen), []);
      assert.equal(result.reconciliation.balanced, true);
    } finally {
      await api.close();
    }
  });
});

// resume.test.mjs — stopping a run midway and resuming it from the resume store: finished
// batches are not posted again, batches caught mid-call continue from their saved state,
// the totals reconcile; the run lock keeps two posters off the same run; a changed batch is
// refused; a batch that ran out of attempts goes through on a later resume.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { BatchPoster } from '../../web/src/batch-poster.js';
import { hashFile, MemoryResumeStore, RunLockedError, runKeyOf } from '../../web/src/resume-store.js';
import {
  buildBatches, CLIENT_MAPPING, clientFor, FAST, generateClients, importProblems, importsByFileName, startApi,
} from './helpers.mjs';

async function setup(api, { rows = 90, batchRows = 10, tag = 'r' } = {}) {
  const gen = generateClients(rows, { badEvery: 8, tag });
  const built = await buildBatches(gen.text, { type: 'clients', mode: 'store', mapping: CLIENT_MAPPING, batchRows });
  const run = { fileHash: await hashFile(new Blob([gen.text])), type: 'clients', mode: 'store', mapping: CLIENT_MAPPING };
  return { gen, built, run };
}

const poster = (api, store, run, options = {}) => new BatchPoster({ client: clientFor(api), store, run, ...FAST, concurrency: 2, ...options });

/** Imports per batch file name must be exactly one each, started once. */
function assertOneImportPerBatch(db, batches) {
  const imports = importsByFileName(db);
  for (const b of batches) assert.deepEqual(imports.get(b.fileName), { n: 1, started: 1 }, `batch ${b.index} (${b.fileName})`);
  assert.equal([...imports.values()].reduce((a, i) => a + i.n, 0), batches.length, 'no other imports');
}

describe('resume', () => {
  test('abort midway, resume with a new poster and the same store: finished batches are not re-posted', async () => {
    // Processing is slowed down so batches are caught in every state when the run stops.
    const api = await startApi({ processDelayMs: 120 });
    try {
      const { gen, built, run } = await setup(api);
      const store = new MemoryResumeStore();
      const controller = new AbortController();
      const first = poster(api, store, run);
      let finished = 0;
      first.addEventListener('batch', (e) => {
        if (e.detail.state === 'finished' && ++finished === 3) controller.abort();
      });
      await assert.rejects(first.run(built.batches, { signal: controller.signal }), (e) => e.name === 'AbortError');

      const runKey = await runKeyOf(run);
      const saved = await store.getBatches(runKey);
      const finishedBefore = saved.filter((b) => b.state === 'finished');
      assert.ok(finishedBefore.length >= 3, `finished before the stop: ${finishedBefore.length}`);
      assert.ok(finishedBefore.length < built.batches.length, 'the run was stopped midway');
      assert.equal((await store.getRun(runKey)).status, 'incomplete');
      const uuidsBefore = new Map(finishedBefore.map((b) => [b.index, b.uuid]));
      const importsBefore = api.db().prepare('SELECT count(*) FROM imports').pluck().get();

      // "Reload": a new client and poster; the same file gives the same batches.
      const rebuilt = await buildBatches(gen.text, { type: 'clients', mode: 'store', mapping: CLIENT_MAPPING, batchRows: 10 });
      let resumed = null;
      const second = poster(api, store, run);
      second.addEventListener('resume', (e) => { resumed = e.detail; });
      const result = await second.run(rebuilt.batches, { summary: rebuilt.summary, localErrorReport: rebuilt.errorCsv });

      assert.ok(resumed, 'a resume event');
      assert.equal(resumed.finished, finishedBefore.length);
      assert.equal(result.complete, true);
      assert.equal(result.counts.skipped, finishedBefore.length, 'finished batches skipped');
      for (const b of result.batches) if (uuidsBefore.has(b.index)) assert.equal(b.uuid, uuidsBefore.get(b.index));
      assert.ok(api.db().prepare('SELECT count(*) FROM imports').pluck().get() - importsBefore <= built.batches.length - finishedBefore.length);
      assertOneImportPerBatch(api.db(), result.batches);
      assert.deepEqual(importProblems(api.db(), gen), []);
      assert.equal(result.reconciliation.balanced, true, result.reconciliation.problems.join('; '));
      assert.equal(result.reconciliation.rowsAccepted, gen.good.size);
      assert.equal((await store.getRun(runKey)).status, 'complete');
      assert.equal((await store.getRun(runKey)).resumedCount, 1);

      // A third run of the same file posts nothing at all.
      const requestsBefore = api.db().prepare('SELECT count(*) FROM imports').pluck().get();
      const third = await poster(api, store, run).run(rebuilt.batches);
      assert.equal(third.counts.skipped, built.batches.length);
      assert.equal(api.db().prepare('SELECT count(*) FROM imports').pluck().get(), requestsBefore);
    } finally {
      await api.close();
    }
  });

  test('abort while creates are in flight under dropped connections, then resume: still exactly once', async () => {
    const api = await startApi({ processDelayMs: 50 });
    try {
      const { gen, built, run } = await setup(api, { rows: 80, tag: 'rd' });
      await api.setFaults({ dropAfterAct: 0.3, methods: ['POST'], seed: 3 });
      const store = new MemoryResumeStore();
      const controller = new AbortController();
      const first = poster(api, store, run, { concurrency: 3 });
      let saves = 0;
      first.addEventListener('batch', () => {
        if (++saves === 12) controller.abort();
      });
      await assert.rejects(first.run(built.batches, { signal: controller.signal }), (e) => e.name === 'AbortError');
      const result = await poster(api, store, run, { concurrency: 3 }).run(built.batches, { summary: built.summary, localErrorReport: built.errorCsv });
      await api.setFaults({});
      assert.equal(result.complete, true);
      assertOneImportPerBatch(api.db(), result.batches);
      assert.deepEqual(importProblems(api.db(), gen), []);
      assert.equal(result.reconciliation.balanced, true);
    } finally {
      await api.close();
    }
  });

  test('two posters on one run: the second gets RunLockedError, or waits with lockWait', async () => {
    const api = await startApi({ processDelayMs: 60 });
    try {
      const { gen, built, run } = await setup(api, { rows: 40, tag: 'lock' });
      const store = new MemoryResumeStore();
      const a = poster(api, store, run).run(built.batches);
      await assert.rejects(poster(api, store, run).run(built.batches), (e) => e instanceof RunLockedError && e.code === 'run_locked');
      const waiting = poster(api, store, run, { lockWait: true }).run(built.batches);
      const [ra, rb] = await Promise.all([a, waiting]);
      assert.equal(ra.complete, true);
      assert.equal(rb.complete, true);
      assert.equal(rb.counts.skipped, built.batches.length, 'the waiting poster found everything finished');
      assertOneImportPerBatch(api.db(), ra.batches);
      assert.deepEqual(importProblems(api.db(), gen), []);
      // Another run (another file) is not blocked by this one's lock.
      const other = await setup(api, { rows: 10, tag: 'other' });
      const lockedRun = poster(api, store, run, { lockWait: true }).run(built.batches);
      const otherResult = await poster(api, store, other.run).run(other.built.batches);
      assert.equal(otherResult.complete, true);
      await lockedRun;
    } finally {
      await api.close();
    }
  });

  test('a batch whose bytes changed since the run began is refused, not posted', async () => {
    const api = await startApi();
    try {
      const { built, run } = await setup(api, { rows: 30, tag: 'chg' });
      const store = new MemoryResumeStore();
      const controller = new AbortController();
      const first = poster(api, store, run, { concurrency: 1 });
      first.addEventListener('batch', (e) => { if (e.detail.state === 'finished') controller.abort(); });
      await assert.rejects(first.run(built.batches, { signal: controller.signal }));
      // The same run key, but batch 0's content differs (as if the engine or options changed).
      const altered = built.batches.map((b) => (b.index === 0 ? { ...b, blob: new Blob([`${'x'}${''}`, b.blob]) } : b));
      const result = await poster(api, store, run).run(altered);
      const b0 = result.batches.find((b) => b.index === 0);
      assert.equal(b0.state, 'failed');
      assert.equal(b0.lastError.name, 'BatchChanged');
      assert.equal(result.complete, false);
    } finally {
      await api.close();
    }
  });

  test('a batch that runs out of attempts is marked failed with the reason; a later resume finishes it', async () => {
    const api = await startApi();
    try {
      const { gen, built, run } = await setup(api, { rows: 30, tag: 'giveup' });
      const store = new MemoryResumeStore();
      await api.setFaults({ error500: 1, methods: ['POST'] });
      const stuck = await poster(api, store, run, { retry: { ...FAST.retry, maxAttempts: 3 } }).run(built.batches, { summary: built.summary });
      assert.equal(stuck.complete, false);
      assert.ok(stuck.batches.every((b) => b.state === 'failed'));
      assert.ok(stuck.batches.every((b) => /^Gave up after 3 attempts \(create\): Server Error$/.test(b.lastError.message)), stuck.batches[0].lastError.message);
      assert.equal(stuck.reconciliation.rowsNotSent, gen.good.size);
      assert.equal(stuck.reconciliation.balanced, true, 'not sent is part of the balance');

      await api.setFaults({});
      const done = await poster(api, store, run).run(built.batches, { summary: built.summary });
      assert.equal(done.complete, true);
      assertOneImportPerBatch(api.db(), done.batches);
      assert.deepEqual(importProblems(api.db(), gen), []);
    } finally {
      await api.close();
    }
  });

  test('a Retry-After beyond the limit pauses the whole run; resuming later completes it', async () => {
    const api = await startApi();
    try {
      const { gen, built, run } = await setup(api, { rows: 40, tag: 'halt' });
      const store = new MemoryResumeStore();
      await api.setFaults({ rate429: 1, retryAfter: 600 });
      const paused = await poster(api, store, run).run(built.batches, { summary: built.summary });
      assert.equal(paused.complete, false);
      assert.equal(paused.halted, 'retry_after_too_long');
      assert.equal(paused.reconciliation.rowsNotSent, gen.good.size);
      assert.equal(api.db().prepare('SELECT count(*) FROM imports').pluck().get(), 0);
      await api.setFaults({});
      const done = await poster(api, store, run).run(built.batches, { summary: built.summary });
      assert.equal(done.complete, true);
      assertOneImportPerBatch(api.db(), done.batches);
      assert.deepEqual(importProblems(api.db(), gen), []);
    } finally {
      await api.close();
    }
  });
});

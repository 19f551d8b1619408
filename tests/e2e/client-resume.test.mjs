// client-resume.test.mjs — the batch poster in headless Chromium, against the reference
// server on loopback (which also serves the repository with --static and a strict CSP):
//   1. the page is reloaded while batches are in flight; the reloaded page, given the same
//      file again, resumes from IndexedDB, and the server ends with every row exactly once
//      and one import per batch (finished batches were not posted again);
//   2. a second tab cannot post the same run at the same time (Web Lock): it gets a clear
//      "run_locked" error; once the first tab is done it finds nothing left to send;
//   3. cross-origin (the page on one server, the API on another, CORS): 429s from the API
//      reach the client with their Retry-After readable (exposed through CORS) and honoured.
// The page is tests/client/pages/resume.html (web/src/preflight.js validates in the worker).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { startServer } from '../../web/server/main.js';

import {
  CLIENT_MAPPING, generateClients, importProblems, importsByFileName, startApi, tempDir, TODAY,
} from '../client/helpers.mjs';
import { repoRoot } from '../wasm/harness.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.mjs';
import { STRICT_CSP } from './static-server.mjs';

const CSP = STRICT_CSP;
const PAGE = 'tests/client/pages/resume.html';

async function waitFor(page, fn, arg, { timeoutMs = 60_000 } = {}) {
  const handle = await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 50 });
  return handle.jsonValue();
}

describe('batch poster in the browser: resume from IndexedDB, one tab per run', () => {
  let browser;
  let tmp;
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    tmp = tempDir('preflight-client-e2e-');
  });
  after(async () => {
    await browser?.close();
    tmp?.cleanup();
  });

  /** A server (slow processing, so batches are in flight for a while) and a fresh browser profile. */
  async function setup(name, rows) {
    const api = await startApi({ staticDir: repoRoot, staticHeaders: { 'content-security-policy': CSP }, processDelayMs: 250 });
    const gen = generateClients(rows, { badEvery: 9, multilineEvery: 17, tag: name });
    const file = join(tmp.dir, `${name}.csv`);
    writeFileSync(file, gen.text);
    const context = await browser.newContext();
    const problems = [];
    context.on('page', (p) => p.on('pageerror', (e) => problems.push(`page error: ${e.message}`)));
    const options = {
      token: api.token, accountUuid: api.account.uuid, type: 'clients', mode: 'store', mapping: CLIENT_MAPPING,
      batchRows: 10, concurrency: 2, today: TODAY,
      poll: { initialMs: 50, maxMs: 400 }, retry: { baseDelayMs: 50, maxDelayMs: 500 },
    };
    const open = async () => {
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      const response = await page.goto(`${api.url}/${PAGE}`);
      assert.equal(response.status(), 200);
      return page;
    };
    return { api, gen, file, context, options, open, problems };
  }

  test('a reload while batches are in flight resumes without re-posting; every row exactly once', async () => {
    const { api, gen, file, context, options, open, problems } = await setup('reload', 160);
    try {
      const page = await open();
      await page.setInputFiles('#file', file);
      page.evaluate((o) => { window.startImport(o); }, options);
      // Some batches finished, others not yet: reload mid-run.
      const before = await waitFor(page, () => window.pageState.progress?.finished >= 3 && window.pageState.progress);
      assert.ok(before.finished < 16, `still running when reloaded (${before.finished} finished)`);
      await page.reload();

      const stored = await page.evaluate(() => window.storedRuns());
      assert.equal(stored.length, 1, 'the run survived the reload in IndexedDB');
      const finishedBefore = stored[0].batches.filter((b) => b.state === 'finished');
      assert.ok(finishedBefore.length >= 3);
      assert.ok(stored[0].batches.some((b) => b.state !== 'finished'), 'some batches were caught mid-run');
      assert.doesNotMatch(JSON.stringify(stored), new RegExp(api.token), 'no token in IndexedDB');

      // The user picks the same file again: its hash matches, the same batches are rebuilt.
      await page.setInputFiles('#file', file);
      const result = await page.evaluate((o) => window.startImport(o), options);
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.equal(result.complete, true);
      assert.ok(result.counts.skipped >= finishedBefore.length, `skipped ${result.counts.skipped}`);
      const resumed = await page.evaluate(() => window.pageState.resumed);
      assert.equal(resumed.finished, finishedBefore.length);
      assert.equal(result.reconciliation.balanced, true, result.reconciliation.problems.join('; '));
      assert.equal(result.reconciliation.rowsAccepted, gen.good.size);
      assert.equal(result.reconciliation.rowsFailedLocally, gen.bad.size);

      const db = api.db();
      assert.deepEqual(importProblems(db, gen), [], 'every clean row exactly once');
      const imports = importsByFileName(db);
      for (const b of result.batches) assert.deepEqual(imports.get(b.fileName), { n: 1, started: 1 }, `batch ${b.index}`);
      assert.equal([...imports.values()].reduce((a, i) => a + i.n, 0), result.batches.length, 'one import per batch, no more');
      for (const b of finishedBefore) assert.equal(result.batches[b.index].uuid, b.uuid, 'a finished batch kept its import');

      assert.deepEqual(await page.evaluate(() => window.pageState.cspViolations), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await api.close();
    }
  });

  test('a second tab cannot resume the same run while the first one posts it (Web Lock)', async () => {
    const { api, gen, file, context, options, open, problems } = await setup('tabs', 80);
    try {
      const tabA = await open();
      const tabB = await open();
      await tabA.setInputFiles('#file', file);
      await tabB.setInputFiles('#file', file);
      tabA.evaluate((o) => { window.startImport(o); }, options);
      await waitFor(tabA, () => window.pageState.progress !== null);

      const refused = await tabB.evaluate((o) => window.startImport(o), options);
      assert.equal(refused.error?.code, 'run_locked', JSON.stringify(refused));
      assert.equal(refused.error.name, 'RunLockedError');
      assert.match(refused.error.message, /another tab/);

      const resultA = await waitFor(tabA, () => window.pageState.result);
      assert.equal(resultA.complete, true);

      // Once the first tab is done, the second finds the run finished and sends nothing.
      const importsBefore = api.db().prepare('SELECT count(*) FROM imports').pluck().get();
      const resultB = await tabB.evaluate((o) => window.startImport(o), options);
      assert.equal(resultB.complete, true);
      assert.equal(resultB.counts.skipped, resultB.counts.batches);
      assert.equal(api.db().prepare('SELECT count(*) FROM imports').pluck().get(), importsBefore);
      assert.deepEqual(importProblems(api.db(), gen), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await api.close();
    }
  });

  test('cross-origin: the API\'s Retry-After is readable through CORS and honoured', async () => {
    // The API on one loopback server (CORS for any origin), the page on another (static only).
    const api = await startApi({ corsOrigins: ['*'] });
    const pages = tempDir('preflight-client-pages-');
    const web = await startServer({
      port: 0, db: join(pages.dir, 'static.sqlite'), token: 'unused-static-token', staticDir: repoRoot, rateLimit: 0,
      staticHeaders: { 'content-security-policy': CSP.replace("connect-src 'self'", `connect-src 'self' ${api.url}`) },
    });
    const context = await browser.newContext();
    try {
      assert.notEqual(new URL(web.url).origin, new URL(api.url).origin);
      const gen = generateClients(40, { badEvery: 9, tag: 'cors' });
      const file = join(tmp.dir, 'cors.csv');
      writeFileSync(file, gen.text);
      await api.setFaults({ rate429: 0.2, retryAfter: 1, seed: 5 });
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${web.url}/${PAGE}`);
      await page.setInputFiles('#file', file);
      const result = await page.evaluate((o) => window.startImport(o), {
        token: api.token, accountUuid: api.account.uuid, apiBase: api.url, type: 'clients', mode: 'store', mapping: CLIENT_MAPPING,
        batchRows: 10, concurrency: 2, today: TODAY, poll: { initialMs: 50, maxMs: 400 }, retry: { baseDelayMs: 50, maxDelayMs: 500, maxAttempts: 10 },
      });
      const counts = await api.faultCounts();
      await api.setFaults({});
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.equal(result.complete, true);
      assert.ok(counts.rate429 >= 1, `429s injected: ${counts.rate429}`);
      const seen = await page.evaluate(() => window.pageState.errorsSeen.filter((e) => e.status === 429));
      assert.ok(seen.length >= 1, 'the page saw 429s');
      assert.ok(seen.every((e) => e.retryAfterSeconds === 1), `Retry-After readable cross-origin: ${JSON.stringify(seen)}`);
      assert.deepEqual(importProblems(api.db(), gen), []);
      assert.deepEqual(await page.evaluate(() => window.pageState.cspViolations), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await web.close();
      pages.cleanup();
      await api.close();
    }
  });

  test('IndexedDbResumeStore answers exactly as MemoryResumeStore does', async () => {
    const { api, context, open } = await setup('idb', 10);
    try {
      const page = await open();
      const outcome = await page.evaluate(async () => {
        const { IndexedDbResumeStore, MemoryResumeStore, RunLockedError } = await import('/web/src/resume-store.js');
        const exercise = async (store) => {
          const out = [];
          await store.putRun({ runKey: 'a', status: 'running', n: 1 });
          await store.putRun({ runKey: 'b', status: 'running', n: 2 });
          for (const i of [2, 0, 1]) await store.putBatch({ runKey: 'a', index: i, state: 'pending', uuid: null });
          await store.putBatch({ runKey: 'b', index: 0, state: 'finished', uuid: 'u' });
          await store.putBatch({ runKey: 'a', index: 1, state: 'finished', uuid: 'x', server: { total_jobs: 3 } });
          out.push(await store.getRun('a'), await store.getRun('zz') ?? null);
          out.push((await store.listRuns()).map((r) => r.runKey).sort());
          out.push(await store.getBatches('a'), await store.getBatch('a', 1), await store.getBatch('a', 9) ?? null);
          await store.deleteRun('a');
          out.push(await store.getRun('a') ?? null, await store.getBatches('a'), await store.getBatches('b'));
          let locked = null;
          await store.lock('b', async () => {
            try {
              await store.lock('b', async () => 'inner');
            } catch (e) {
              locked = e instanceof RunLockedError ? e.code : String(e);
            }
          });
          out.push(locked, await store.lock('b', async () => 'free again'));
          return out;
        };
        const idb = await IndexedDbResumeStore.open({ name: 'preflight-resume-interface-test' });
        try {
          return { idb: await exercise(idb), memory: await exercise(new MemoryResumeStore()) };
        } finally {
          idb.close();
        }
      });
      assert.deepEqual(outcome.idb, outcome.memory);
      assert.equal(outcome.idb.at(-2), 'run_locked');
    } finally {
      await context.close();
      await api.close();
    }
  });
});

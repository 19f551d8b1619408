// batch-poster.test.mjs — web/src/batch-poster.js end to end: files with known good and bad
// rows, validated by the real Wasm engine into batches, posted to the real reference server,
// and the server's SQLite records checked directly — every clean row imported exactly once,
// in store and in update mode — plus the reconciliation and the merged error report.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';

import { BatchPoster } from '../../web/src/batch-poster.js';
import { parseCsvRecords } from '../../web/src/report-csv.js';
import { hashFile, MemoryResumeStore } from '../../web/src/resume-store.js';
import {
  buildBatches, CLIENT_MAPPING, clientFor, FAST, generateClients, importProblems, importsByFileName, startApi, TOKEN,
} from './helpers.mjs';

async function post(api, content, { type = 'clients', mode = 'store', mapping = CLIENT_MAPPING, batchRows = 15, store = new MemoryResumeStore(), options = {} } = {}) {
  const built = await buildBatches(content, { type, mode, mapping, batchRows });
  const fileHash = await hashFile(new Blob([content]));
  const events = { batch: 0, progress: [] };
  const poster = new BatchPoster({
    client: clientFor(api), store, run: { fileHash, type, mode, mapping, fileName: 'clients.csv' }, ...FAST, ...options,
    onProgress: (p) => events.progress.push(p),
  });
  poster.addEventListener('batch', () => events.batch++);
  const result = await poster.run(built.batches, { summary: built.summary, localErrorReport: built.errorCsv });
  return { built, result, events, store, poster };
}

/** The merged report's rows as {line, email, errors}. */
function reportRows(result) {
  if (!result.errorReportText) return [];
  const [header, ...rows] = parseCsvRecords(result.errorReportText);
  const col = (name) => header.cells.indexOf(name);
  return rows.map((r) => ({ line: Number(r.cells[0]), email: r.cells[col('Email')], errors: r.cells[r.cells.length - 1], cells: r.cells }));
}

describe('BatchPoster: store mode', () => {
  test('every clean row exactly once; bad rows never; totals reconcile; one error report', async () => {
    // The server's "today" is earlier than the browser's, so two rows the engine accepts
    // here fail on the server ("must be a date before today"): real server-side failures.
    const api = await startApi({ today: '2005-01-01' });
    try {
      const gen = generateClients(120, { badEvery: 7, multilineEvery: 11, serverBad: new Set([5, 61]) });
      const { built, result, events } = await post(api, gen.text);
      assert.ok(built.batches.length >= 7, `${built.batches.length} batches`);
      assert.equal(result.complete, true, JSON.stringify(result.batches.filter((b) => b.state !== 'finished')));
      assert.equal(result.counts.finished, built.batches.length);
      assert.equal(result.counts.failed, 0);

      // The records in SQLite: each good row once, no bad row, no server-rejected row.
      const good = new Map([...gen.good].filter(([email]) => !gen.serverRejected.has(email)));
      const bad = new Map([...gen.bad, ...gen.serverRejected]);
      assert.deepEqual(importProblems(api.db(), { good, bad }), []);

      // One import per batch, each started once; named after the batch's identity.
      const imports = importsByFileName(api.db());
      assert.equal(imports.size, built.batches.length);
      for (const [name, n] of imports) {
        assert.match(name, /^preflight-[0-9a-f]{16}-\d+\.csv$/);
        assert.deepEqual(n, { n: 1, started: 1 }, name);
      }
      for (const b of result.batches) assert.deepEqual(imports.get(b.fileName), { n: 1, started: 1 });

      // Reconciliation: rows in the file = failed here + accepted + failed there + not sent.
      const r = result.reconciliation;
      assert.equal(r.rowsInFile, 120);
      assert.equal(r.rowsFailedLocally, gen.bad.size);
      assert.equal(r.rowsFailedOnServer, 2);
      assert.equal(r.rowsAccepted, 120 - gen.bad.size - 2);
      assert.equal(r.rowsNotSent, 0);
      assert.equal(r.balanced, true, r.problems.join('; '));
      assert.equal(r.serverFailuresInReport, 2);
      assert.equal(r.approximateLines, 0);
      assert.equal(r.rowsFailedLocally + r.rowsAccepted + r.rowsFailedOnServer + r.rowsNotSent, r.rowsInFile);

      // The merged report: the engine's columns, every failed row at its line in the
      // original file (multi-line rows and removed bad rows included), the server's too.
      const rows = reportRows(result);
      const expected = new Map([...gen.bad, ...gen.serverRejected]);
      assert.equal(rows.length, expected.size);
      for (const row of rows) assert.equal(row.line, expected.get(row.email), `${row.email} at line ${row.line}`);
      assert.deepEqual(rows.map((r) => r.line), [...rows.map((r) => r.line)].sort((a, b) => a - b), 'in line order');
      const header = parseCsvRecords(result.errorReportText)[0].cells;
      assert.deepEqual(header, parseCsvRecords(built.errorCsv)[0].cells, 'the same columns as the engine\'s error CSV');
      assert.ok(result.errorReportText.startsWith('\ufeff"line",'));
      assert.ok(rows.filter((r) => gen.serverRejected.has(r.email)).every((r) => r.errors === 'The date of birth field must be a date before today.'));
      assert.equal(await result.errorReport.text(), result.errorReportText.replace(/^\ufeff/, ''));

      // Progress: events as batches move, a final one that says done.
      assert.ok(events.batch >= built.batches.length * 4);
      const last = events.progress.at(-1);
      assert.equal(last.done, true);
      assert.equal(last.finished, built.batches.length);
    } finally {
      await api.close();
    }
  });

  test('a batch the API refuses (422) fails with the reason; the others go through; the rows count as not sent', async () => {
    const api = await startApi();
    try {
      const gen = generateClients(30, { badEvery: 0 });
      const built = await buildBatches(gen.text, { type: 'clients', mode: 'store', mapping: CLIENT_MAPPING, batchRows: 10 });
      // Batch 1's bytes replaced by a CSV whose header is no field of the type: map → 422.
      const broken = built.batches.map((b) => (b.index === 1 ? { ...b, blob: new Blob(['bogus_field,email\r\nx,y@example.com\r\n']) } : b));
      const poster = new BatchPoster({
        client: clientFor(api), store: new MemoryResumeStore(), run: { fileHash: await hashFile(new Blob([gen.text])), type: 'clients', mode: 'store' }, ...FAST,
      });
      const result = await poster.run(broken, { summary: built.summary, localErrorReport: built.errorCsv });
      assert.equal(result.complete, false);
      const failed = result.batches.find((b) => b.index === 1);
      assert.equal(failed.state, 'failed');
      assert.equal(failed.permanent, true);
      assert.equal(failed.lastError.status, 422);
      assert.match(failed.lastError.message, /^map: The selected headers\.0\.bogus_field is invalid\./);
      assert.equal(result.counts.finished, 2);
      assert.equal(result.reconciliation.rowsNotSent, 10);
      assert.equal(result.reconciliation.rowsAccepted, 20);
    } finally {
      await api.close();
    }
  });
});

describe('BatchPoster: update mode', () => {
  test('existing records changed exactly once; unknown uuids fail on the server and land in the report', async () => {
    const api = await startApi();
    try {
      // 1. Store 30 clients.
      const gen = generateClients(30, { badEvery: 0, tag: 'u' });
      const first = await post(api, gen.text, { batchRows: 10 });
      assert.equal(first.result.complete, true);
      const db = api.db();
      const records = db.prepare("SELECT uuid, json_extract(fields, '$.email') AS email FROM records WHERE type = 'clients' ORDER BY id").all();
      assert.equal(records.length, 30);

      // 2. An update file: 24 known uuids (new last names), 3 unknown ones, 3 malformed.
      const header = 'Client UUID,First Name,Last Name,Email,Send Welcome Email';
      const lines = [header];
      const expectUpdated = new Map();
      const expectServerFail = new Map();
      const expectLocalFail = new Map();
      records.forEach((rec, i) => {
        const line = lines.length + 1;
        if (i < 24) {
          lines.push(`${rec.uuid},First ${i},Updated ${i},${rec.email},yes`);
          expectUpdated.set(rec.uuid, `Updated ${i}`);
        } else if (i < 27) {
          const unknown = randomUUID();
          lines.push(`${unknown},Ghost ${i},Nobody ${i},ghost${i}@example.com,yes`);
          expectServerFail.set(`ghost${i}@example.com`, line);
        } else {
          lines.push(`not-a-uuid-${i},Bad ${i},Key ${i},badkey${i}@example.com,yes`);
          expectLocalFail.set(`badkey${i}@example.com`, line);
        }
      });
      const text = `${lines.join('\r\n')}\r\n`;
      const mapping = { headers: [{ uuid: 'Client UUID', first_name: 'First Name', last_name: 'Last Name', email: 'Email', send_welcome_email: 'Send Welcome Email' }] };
      const { result } = await post(api, text, { mode: 'update', mapping, batchRows: 8 });
      assert.equal(result.complete, true);

      // Each known record updated exactly once, to the new value; no record created.
      assert.equal(db.prepare("SELECT count(*) FROM records WHERE type = 'clients'").pluck().get(), 30);
      const updates = db.prepare("SELECT r.uuid, count(*) AS n, json_extract(r.fields, '$.last_name') AS last FROM record_events e JOIN records r ON r.id = e.record_id WHERE e.action = 'updated' GROUP BY r.id").all();
      assert.equal(updates.length, 24);
      for (const u of updates) {
        assert.equal(u.n, 1, `${u.uuid} updated ${u.n} times`);
        assert.equal(u.last, expectUpdated.get(u.uuid));
      }

      const r = result.reconciliation;
      assert.equal(r.rowsInFile, 30);
      assert.equal(r.rowsFailedLocally, 3);
      assert.equal(r.rowsFailedOnServer, 3);
      assert.equal(r.rowsAccepted, 24);
      assert.equal(r.balanced, true, r.problems.join('; '));

      const rows = reportRows(result);
      assert.equal(rows.length, 6);
      for (const [email, line] of [...expectServerFail, ...expectLocalFail]) {
        const row = rows.find((x) => x.email === email);
        assert.ok(row, `${email} in the report`);
        assert.equal(row.line, line, email);
      }
      for (const email of expectServerFail.keys()) {
        assert.equal(rows.find((x) => x.email === email).errors, 'The selected uuid is invalid.');
      }
    } finally {
      await api.close();
    }
  });
});

describe('BatchPoster: what it stores', () => {
  test('no token and no row data in the resume store', async () => {
    const api = await startApi();
    try {
      const gen = generateClients(20, { badEvery: 5 });
      const { store } = await post(api, gen.text, { batchRows: 5 });
      const dump = JSON.stringify({ runs: await store.listRuns(), batches: [...store.batches.values()].flatMap((m) => [...m.values()]) });
      assert.doesNotMatch(dump, new RegExp(TOKEN));
      assert.doesNotMatch(dump, /example\.com/);
      const [run] = await store.listRuns();
      assert.equal(run.status, 'complete');
      const batches = await store.getBatches(run.runKey);
      assert.ok(batches.every((b) => b.state === 'finished' && /^[0-9a-f-]{36}$/.test(b.uuid)));
      assert.ok(batches.every((b) => b.server.total_jobs === b.rows));
    } finally {
      await api.close();
    }
  });
});

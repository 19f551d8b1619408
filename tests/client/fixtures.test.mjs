// fixtures.test.mjs — every repository fixture in store or update mode (tests/fixtures/,
// the built-in import types) validated by the Wasm engine with the fixture's own options,
// its clean batches posted through the batch poster to the reference server, and checked:
// the run completes and reconciles; in store mode the server accepts every row the engine
// accepted and holds exactly that many new records; in update mode (no such records on a
// fresh server) every clean row fails on the server with the API's message, and the merged
// error report has the engine's columns and one row per failed line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { BatchPoster } from '../../web/src/batch-poster.js';
import { parseCsvRecords } from '../../web/src/report-csv.js';
import { hashFile, MemoryResumeStore } from '../../web/src/resume-store.js';
import { fixtureOptions, listFixtures, loadPreflight } from '../wasm/harness.mjs';
import { clientFor, FAST, startApi } from './helpers.mjs';

/** The fixture through the engine, as the browser library runs it: batches, summary, error CSV. */
async function runEngine(fixture) {
  const pf = await loadPreflight();
  const { options, schemas } = fixtureOptions(fixture);
  // Small batches (3 rows) so most fixtures make several imports; a big fixture keeps its own size.
  const bytes = readFileSync(fixture.input);
  const batchRows = bytes.length > 16 * 1024 ? options.batchRows : 3;
  const session = pf.openSession(fixture.type, { ...options, batchRows }, schemas);
  const batches = [];
  const errors = [];
  try {
    try {
      session.feed(bytes);
      session.finish();
    } catch (e) {
      if (e instanceof pf.PreflightError) return null; // an unusable file: nothing to post
      throw e;
    }
    errors.push(Buffer.from(session.takeErrorCsv()));
    for (let b; (b = session.nextBatch());) {
      batches.push({ index: b.index, rows: b.rows, firstLine: b.firstLine, lastLine: b.lastLine, blob: new Blob([b.csv]) });
    }
    const errorCsv = Buffer.concat(errors);
    return { batches, summary: session.summary(), errorCsv: errorCsv.length ? errorCsv.toString('utf8') : null, bytes, options };
  } finally {
    session.close();
  }
}

const fixtures = listFixtures().filter((f) => {
  const args = f.spec.args ?? [];
  return !args.includes('--schema') && ['store', 'update'].includes(args[args.indexOf('--mode') + 1]);
});

describe('BatchPoster on every store/update fixture', () => {
  let api;
  before(async () => {
    api = await startApi();
  });
  after(() => api?.close());

  test('the fixtures are there', () => assert.ok(fixtures.length >= 20, `${fixtures.length} fixtures`));

  for (const fixture of fixtures) {
    test(`${fixture.type}/${fixture.name}`, async (t) => {
      const engine = await runEngine(fixture);
      if (!engine || engine.batches.length === 0) {
        t.skip('no clean rows to post');
        return;
      }
      const { batches, summary, errorCsv, bytes, options } = engine;
      const mode = options.mode;
      const poster = new BatchPoster({
        client: clientFor(api), store: new MemoryResumeStore(),
        run: { fileHash: await hashFile(new Blob([bytes])), type: fixture.type, mode, mapping: options.mapping ?? null, extra: fixture.name },
        ...FAST,
      });
      const result = await poster.run(batches, { summary, localErrorReport: errorCsv });
      assert.equal(result.complete, true, JSON.stringify(result.batches.map((b) => [b.state, b.lastError?.message])));
      const r = result.reconciliation;
      assert.equal(r.balanced, true, r.problems.join('; '));
      const clean = summary.preflight.clean_rows;
      const uuids = result.batches.map((b) => b.uuid);
      const db = api.db();
      const created = db.prepare(`SELECT count(*) FROM records WHERE created_by_import IN (${uuids.map(() => '?').join(',')})`).pluck().get(...uuids);
      if (mode === 'store') {
        assert.equal(r.rowsAccepted, clean, 'the server accepts what the engine accepted');
        assert.equal(r.rowsFailedOnServer, 0);
        assert.equal(created, clean, 'one record per clean row');
      } else {
        assert.equal(r.rowsFailedOnServer, clean, 'no such records on a fresh server');
        assert.equal(created, 0);
      }
      const failed = r.rowsFailedLocally + r.rowsFailedOnServer;
      if (failed === 0) {
        assert.equal(result.errorReport, null);
        return;
      }
      const report = parseCsvRecords(result.errorReportText);
      if (errorCsv) assert.deepEqual(report[0].cells, parseCsvRecords(errorCsv)[0].cells, 'the engine\'s columns');
      assert.equal(report.length - 1, failed, 'one report row per failed row');
      const lines = report.slice(1).map((rec) => Number(rec.cells[0]));
      assert.ok(lines.every((l) => l >= 1 && l <= summary.preflight.lines), `lines within the file: ${lines}`);
      assert.equal(new Set(lines).size, lines.length, 'no line reported twice');
      if (mode === 'update') {
        const serverRows = report.slice(1).filter((rec) => rec.cells.at(-1) === 'The selected uuid is invalid.');
        assert.equal(serverRows.length, clean);
      }
    });
  }
});

// The library in a real browser, on every fixture: each fixture file is validated in the
// worker (the Wasm engine, under the strict CSP) and must give the expected summary, the
// expected error report bytes and the expected batches — the same files the native CLI is
// checked against (tests/fixtures/). Plus the API's errors and job handling.
//
//   node --test tests/e2e/          (after scripts/build.sh wasm; needs /usr/bin/chromium)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cliPath, fixtureOptions, listFixtures, repoRoot } from '../wasm/harness.mjs';
import { openAppPage } from './browser.mjs';

const fixtures = listFixtures();
let session;

before(async () => {
  session = await openAppPage();
});
after(() => session?.close());

/** The page's arguments for one fixture: its path on the server and the harness's options. */
function fixtureJob(fixture) {
  const { options, schemas } = fixtureOptions(fixture);
  return { path: relative(repoRoot, fixture.input), type: fixture.type, options, schemas };
}

function expectedFiles(fixture) {
  const read = (suffix) => (existsSync(`${fixture.base}${suffix}`) ? readFileSync(`${fixture.base}${suffix}`) : null);
  return {
    summary: JSON.parse(readFileSync(`${fixture.base}.summary.json`, 'utf8')),
    errorsCsv: read('.errors.csv'),
    batchesCsv: read('.batches.csv'),
  };
}

/** Checks one fixture's outcome (from app.js) against the expected files beside it. */
function checkFixture(fixture, out) {
  const expected = expectedFiles(fixture);
  const unusable = (fixture.spec.exit ?? 0) === 2;
  let summary;
  let report;
  if (unusable) {
    assert.equal(out.ok, false, 'the CLI rejects this file (exit 2): validate() must reject');
    assert.equal(out.error.isPreflightError, true);
    assert.equal(out.error.name, 'PreflightError');
    assert.equal(out.error.code, expected.summary.preflight.error.code);
    assert.equal(out.error.message, expected.summary.preflight.error.message);
    summary = JSON.parse(out.error.summaryText);
    report = out.error.errorReport;
  } else {
    assert.equal(out.ok, true, `validate() rejected: ${out.error?.code}: ${out.error?.message}`);
    summary = JSON.parse(out.summaryText);
    report = out.errorReport;
    assert.equal(out.replayedBatches, out.batches.length, 'result.batches() replays every batch');
    assert.equal(out.batchCount, out.batches.length);
  }
  assert.deepEqual(summary, expected.summary, 'summary');

  if (summary.error_report) {
    assert.ok(expected.errorsCsv, 'the summary names an error report but the fixture has none');
    assert.equal(report.isFile, true);
    assert.equal(report.name, summary.error_report.filename);
    assert.equal(report.type, 'text/csv');
    assert.equal(String(report.size), summary.error_report.size);
    assert.ok(Buffer.from(report.base64, 'base64').equals(expected.errorsCsv), 'error report bytes');
  } else {
    assert.equal(report, null, 'no failed rows: no error report');
    // The CLI still writes the header line; there must be nothing after it.
    if (expected.errorsCsv) assert.equal(expected.errorsCsv.toString('utf8').trimEnd().split('\n').length, 1);
  }

  out.batches.forEach((b, i) => {
    assert.equal(b.index, i, 'batch index');
    assert.equal(b.blobSize, b.bytes);
    assert.equal(b.blobType, 'text/csv');
    assert.ok(b.firstLine <= b.lastLine);
  });
  const batchRows = out.batches.reduce((n, b) => n + b.rows, 0);
  if (summary.preflight?.batches) assert.equal(batchRows, summary.preflight.batches.rows, 'rows in batches');
  if (expected.batchesCsv) {
    assert.ok(Buffer.from(out.batchesBase64 ?? '', 'base64').equals(expected.batchesCsv), 'batch bytes');
  }
}

describe('every fixture, validated in the worker, gives the expected files', () => {
  test('there are fixtures', () => assert.ok(fixtures.length >= 40));

  for (const fixture of fixtures) {
    test(`${fixture.type}/${fixture.name}`, async () => {
      const out = await session.page.evaluate((job) => window.preflightTest.validateFixture({ ...job, engineName: 'default' }), fixtureJob(fixture));
      checkFixture(fixture, out);
      assert.ok(out.progressEvents >= 1, 'at least the final progress event');
    });
  }

  test('the same through a worker loaded from workerUrl', async () => {
    const fixture = fixtures.find((f) => f.type === 'clients' && f.name === 'mapping_constants');
    const out = await session.page.evaluate((job) => window.preflightTest.validateFixture({ ...job, engineName: 'watched' }), fixtureJob(fixture));
    checkFixture(fixture, out);
    await session.assertClean();
  });
});

describe('engine', () => {
  test('types() are the CLI\'s `types --json`', async () => {
    const types = await session.page.evaluate(() => window.preflightTest.types());
    const native = spawnSync(cliPath, ['types', '--json'], { encoding: 'utf8' });
    assert.equal(native.status, 0, native.stderr);
    assert.deepEqual(types, JSON.parse(native.stdout));
  });

  test('version is the summaries\' engine_version', async () => {
    const version = await session.page.evaluate(() => window.preflightTest.version());
    const { summary } = expectedFiles(fixtures[0]);
    assert.equal(version, summary.preflight.engine_version);
  });

  test('jobs submitted together run in sequence, each with its own results', async () => {
    const chosen = ['clients/mapping_constants', 'clients/enc_windows1252', 'clients/unmapped_required', 'notes/crm_export_validate']
      .map((name) => fixtures.find((f) => `${f.type}/${f.name}` === name));
    const outs = await session.page.evaluate((jobs) => window.preflightTest.validateConcurrently(jobs), chosen.map(fixtureJob));
    chosen.forEach((fixture, i) => checkFixture(fixture, outs[i]));
  });
});

describe('errors are PreflightErrors naming what was wrong', () => {
  const cases = {
    unknownType: ['unknown_type', /^unknown import type "clientz" \(expected one of: .*clients/],
    unknownOption: ['invalid_argument', /unknown key "batchrows"/],
    notAFile: ['invalid_argument', /^validate\(\): the file must be a File or Blob$/],
    noType: ['invalid_argument', /options\.type must name the import type/],
    badProgress: ['invalid_argument', /options\.onProgress must be a function/],
    suggestUnknownType: ['unknown_type', /"clientz"/],
    emptyFile: ['empty_file', /^empty\.csv is empty \(0 bytes\)\.$/],
    badSchema: ['bad_schema', /^schemas\[0\]: /],
    badModuleUrl: ['engine_unavailable', /^could not load the preflight module from http:\/\/127\.0\.0\.1:\d+\/nowhere\/preflight\.js: /],
    badWorkerUrl: ['worker_failed', /^the preflight worker failed: /],
    terminated: ['terminated', /^the preflight engine was terminated$/],
  };
  for (const [what, [code, message]] of Object.entries(cases)) {
    test(what, async () => {
      const out = await session.page.evaluate((w) => window.preflightTest.misuse(w), what);
      assert.equal(out.threw, true, 'expected a rejection');
      assert.equal(out.isPreflightError, true);
      assert.equal(out.isError, true);
      assert.equal(out.name, 'PreflightError');
      assert.equal(out.code, code);
      assert.match(out.message, message);
    });
  }

  test('no CSP violation and no page error in the whole file', () => session.assertClean());
});

#!/usr/bin/env node
// Runs every fixture under tests/fixtures/ through `preflight validate` and compares the
// results with the expected files beside it.
//
//   node tests/cli/run_fixtures.mjs build/native/preflight [--update] [filter]
//
// A fixture is `tests/fixtures/<type>/<name>.csv` (or .txt/.tsv) with, beside it:
//   <name>.args.json        {"args": [...extra CLI args...], "exit": 0|1|2, "mapping": {...}}
//   <name>.summary.json     the expected summary (stdout), compared as JSON
//   <name>.errors.csv       the expected error report, compared byte for byte (when rows fail)
//   <name>.batches.csv      optional: the expected clean batches, concatenated
// Each fixture runs three times — the whole file in one chunk, in 7-byte chunks and in
// 1-byte chunks (small files only) — and every run must give the same bytes: the chunking
// invariant, end to end. `--update` rewrites the expected files from the one-chunk run
// (review the diff before committing: the expected files are the specification).
// Paths inside .args.json are relative to the repository root.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const fixturesDir = resolve(here, '../fixtures');
const cli = resolve(process.argv[2] ?? 'build/native/preflight');
const update = process.argv.includes('--update');
const filter = process.argv.slice(3).find((a) => !a.startsWith('--'));

function listFixtures() {
  const out = [];
  for (const type of readdirSync(fixturesDir, { withFileTypes: true })) {
    if (!type.isDirectory()) continue;
    for (const file of readdirSync(join(fixturesDir, type.name)).sort()) {
      if (!/\.(csv|tsv|txt)$/.test(file) || /\.(errors|batches)\.csv$/.test(file)) continue;
      const name = file.replace(/\.(csv|tsv|txt)$/, '');
      out.push({ type: type.name, name, input: join(fixturesDir, type.name, file), base: join(fixturesDir, type.name, name) });
    }
  }
  return out.filter((f) => !filter || `${f.type}/${f.name}`.includes(filter));
}

function runOnce(fixture, spec, chunkSize, work) {
  const errorsPath = join(work, `errors-${chunkSize}.csv`);
  const batchesDir = join(work, `batches-${chunkSize}`);
  const args = ['validate', '--type', fixture.type, '--today', '2026-01-15', ...(spec.args ?? [])];
  if (!args.includes('--mode')) args.push('--mode', 'validate');
  if (spec.mapping) {
    const mappingPath = join(work, 'mapping.json');
    writeFileSync(mappingPath, JSON.stringify(spec.mapping));
    args.push('--mapping', mappingPath);
  }
  args.push('--errors-csv', errorsPath, '--batches', batchesDir, '--batch-rows', String(spec.batchRows ?? 1000));
  args.push('--chunk-size', String(chunkSize), fixture.input);
  // From the repository root, so paths in .args.json (--schema tests/fixtures/…) resolve.
  const run = spawnSync(cli, args, { cwd: repoRoot, encoding: 'buffer', maxBuffer: 1 << 28 });
  const batches = existsSync(batchesDir)
    ? readdirSync(batchesDir).sort().map((f) => readFileSync(join(batchesDir, f), 'latin1')).join('')
    : '';
  return {
    status: run.status,
    stdout: run.stdout.toString('utf8'),
    stderr: run.stderr.toString('utf8'),
    errors: existsSync(errorsPath) ? readFileSync(errorsPath, 'latin1') : '',
    batches,
  };
}

function describeDiff(label, expected, actual) {
  const e = String(expected).split('\n');
  const a = String(actual).split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) return `${label} differs at line ${i + 1}:\n  expected: ${JSON.stringify(e[i])}\n  actual:   ${JSON.stringify(a[i])}`;
  }
  return `${label} differs`;
}

let passed = 0;
let failed = 0;
const fixtures = listFixtures();
if (fixtures.length === 0) {
  console.error('no fixtures found');
  process.exit(1);
}
for (const fixture of fixtures) {
  const label = `${fixture.type}/${basename(fixture.base)}`;
  const specPath = `${fixture.base}.args.json`;
  const spec = existsSync(specPath) ? JSON.parse(readFileSync(specPath, 'utf8')) : {};
  const work = mkdtempSync(join(tmpdir(), 'preflight-fixture-'));
  const problems = [];
  try {
    const size = readFileSync(fixture.input).length;
    const first = runOnce(fixture, spec, 1 << 20, work);
    if (first.status === null || first.status > 2) problems.push(`crashed: status ${first.status}\n${first.stderr}`);
    const expectedExit = spec.exit ?? 0;
    if (first.status !== expectedExit) problems.push(`exit status ${first.status}, expected ${expectedExit}\n${first.stderr}`);
    if (expectedExit === 2 && !first.stderr.trim()) problems.push('exit 2 without a message on stderr');

    if (update) {
      writeFileSync(`${fixture.base}.summary.json`, first.stdout);
      if (first.errors) writeFileSync(`${fixture.base}.errors.csv`, first.errors, 'latin1');
      else rmSync(`${fixture.base}.errors.csv`, { force: true });
      if (spec.checkBatches) writeFileSync(`${fixture.base}.batches.csv`, first.batches, 'latin1');
    } else {
      const expected = JSON.parse(readFileSync(`${fixture.base}.summary.json`, 'utf8'));
      let actual;
      try {
        actual = JSON.parse(first.stdout);
      } catch {
        problems.push(`stdout is not JSON:\n${first.stdout.slice(0, 500)}`);
      }
      if (actual && !isDeepStrictEqual(expected, actual)) {
        problems.push(describeDiff('summary', JSON.stringify(expected, null, 2), JSON.stringify(actual, null, 2)));
      }
      const errorsPath = `${fixture.base}.errors.csv`;
      const expectedErrors = existsSync(errorsPath) ? readFileSync(errorsPath, 'latin1') : '';
      if (expectedErrors !== first.errors) problems.push(describeDiff('error CSV', expectedErrors, first.errors));
      const batchesPath = `${fixture.base}.batches.csv`;
      if (existsSync(batchesPath) && readFileSync(batchesPath, 'latin1') !== first.batches) {
        problems.push(describeDiff('batches', readFileSync(batchesPath, 'latin1'), first.batches));
      }
    }

    // The chunking invariant, end to end: same bytes out whatever the chunk size.
    const sizes = size <= 20000 ? [7, 1] : [7, 4096];
    for (const chunk of sizes) {
      const other = runOnce(fixture, spec, chunk, work);
      for (const key of ['status', 'stdout', 'errors', 'batches']) {
        if (other[key] !== first[key]) problems.push(describeDiff(`${key} with ${chunk}-byte chunks`, first[key], other[key]));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (problems.length) {
    failed++;
    console.log(`FAIL ${label}\n  ${problems.join('\n  ')}`);
  } else {
    passed++;
    console.log(`ok   ${label}`);
  }
}
console.log(`fixtures: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

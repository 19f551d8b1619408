// harness.mjs — shared by the Wasm tests: loads the module under Node, runs a file through
// it the way the native CLI does, and runs the native CLI itself.
//
// How Node loads the module: build/wasm/preflight.js is built for the browser (an ES
// module factory, -sENVIRONMENT=web,worker, so the glue has no Node code). Node imports the
// same ES module and passes { wasmBinary } (the .wasm read here), so the loader never tries
// to fetch() a file path. The tests therefore run exactly the artefact the web page ships.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const fixturesDir = join(repoRoot, 'tests/fixtures');
export const wasmDir = resolve(process.env.PREFLIGHT_WASM_DIR ?? join(repoRoot, 'build/wasm'));
export const cliPath = resolve(process.env.PREFLIGHT_CLI ?? join(repoRoot, 'build/native/preflight'));
export const TODAY = '2026-01-15';

let modulePromise;
/** The Wasm module, instantiated once per test file. */
export function loadPreflight() {
  modulePromise ??= (async () => {
    const { default: createPreflight } = await import(pathToFileURL(join(wasmDir, 'preflight.js')).href);
    return createPreflight({ wasmBinary: readFileSync(join(wasmDir, 'preflight.wasm')) });
  })();
  return modulePromise;
}

/** Every fixture: {type, name, input, base, spec}, as tests/cli/run_fixtures.mjs finds them. */
export function listFixtures() {
  const out = [];
  for (const dir of readdirSync(fixturesDir, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'schemas') continue;
    for (const file of readdirSync(join(fixturesDir, dir.name)).sort()) {
      if (!/\.(csv|tsv|txt)$/.test(file) || /\.(errors|batches)\.csv$/.test(file)) continue;
      const name = file.replace(/\.(csv|tsv|txt)$/, '');
      const base = join(fixturesDir, dir.name, name);
      const specPath = `${base}.args.json`;
      const spec = existsSync(specPath) ? JSON.parse(readFileSync(specPath, 'utf8')) : {};
      out.push({ type: dir.name, name, input: join(fixturesDir, dir.name, file), base, spec });
    }
  }
  return out;
}

/**
 * A fixture's CLI arguments as the options JSON and extra schemas the Wasm host passes.
 * Every flag a fixture uses must be known here: an unknown one fails the test rather than
 * being dropped.
 */
export function fixtureOptions(fixture) {
  const options = { today: TODAY, fileName: basename(fixture.input), errorCsv: true, batches: true,
                    batchRows: fixture.spec.batchRows ?? 1000, mode: 'validate' };
  const schemas = [];
  const args = fixture.spec.args ?? [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => args[++i];
    switch (flag) {
      case '--mode': options.mode = value(); break;
      case '--laravel': options.laravel = value(); break;
      case '--encoding': options.encoding = value(); break;
      case '--delimiter': options.delimiter = value(); break;
      case '--no-header': options.hasHeader = false; break;
      case '--schema': {
        const path = value();
        schemas.push({ name: basename(path), json: readFileSync(join(repoRoot, path), 'utf8') });
        break;
      }
      default: throw new Error(`${fixture.type}/${fixture.name}: no Wasm option for CLI flag ${flag}`);
    }
  }
  if (fixture.spec.mapping) options.mapping = fixture.spec.mapping;
  return { options, schemas };
}

/** Runs `preflight validate` on a fixture (1 MiB chunks); returns summary text and bytes. */
export function runNative(fixture) {
  const work = mkdtempSync(join(tmpdir(), 'preflight-parity-'));
  try {
    const errorsPath = join(work, 'errors.csv');
    const batchesDir = join(work, 'batches');
    const args = ['validate', '--type', fixture.type, '--today', TODAY, ...(fixture.spec.args ?? [])];
    if (!args.includes('--mode')) args.push('--mode', 'validate');
    if (fixture.spec.mapping) {
      writeFileSync(join(work, 'mapping.json'), JSON.stringify(fixture.spec.mapping));
      args.push('--mapping', join(work, 'mapping.json'));
    }
    args.push('--errors-csv', errorsPath, '--batches', batchesDir, '--batch-rows', String(fixture.spec.batchRows ?? 1000));
    args.push(fixture.input);
    const run = spawnSync(cliPath, args, { cwd: repoRoot, encoding: 'buffer', maxBuffer: 1 << 28 });
    if (run.error) throw run.error;
    const batches = existsSync(batchesDir)
      ? Buffer.concat(readdirSync(batchesDir).sort().map((f) => readFileSync(join(batchesDir, f))))
      : Buffer.alloc(0);
    return {
      exit: run.status,
      summary: run.stdout.toString('utf8'),
      stderr: run.stderr.toString('utf8'),
      errorCsv: existsSync(errorsPath) ? readFileSync(errorsPath) : Buffer.alloc(0),
      batches,
      batchCount: existsSync(batchesDir) ? readdirSync(batchesDir).length : 0,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Runs bytes through a Wasm session in `chunkSize` pieces, as the CLI's validate loop does:
 * drain the error CSV and batches after each chunk, stop at the first failing feed, finish
 * otherwise. Returns the summary text, the bytes, and the PreflightError if one was thrown.
 */
export function runWasm(pf, type, bytes, { options, schemas }, chunkSize) {
  const session = pf.openSession(type, options, schemas);
  const csvParts = [];
  const batches = [];
  const drain = () => {
    csvParts.push(session.takeErrorCsv());
    for (let b; (b = session.nextBatch()); ) batches.push(b);
  };
  let error = null;
  try {
    try {
      for (let at = 0; at < bytes.length; at += chunkSize) {
        session.feed(bytes.subarray(at, Math.min(bytes.length, at + chunkSize)));
        drain();
      }
      session.finish();
    } catch (e) {
      if (!(e instanceof pf.PreflightError)) throw e;
      error = e;
    }
    drain();
    return {
      summary: session.summaryJson(2),
      errorCsv: Buffer.concat(csvParts),
      batches: Buffer.concat(batches.map((b) => b.csv)),
      batchList: batches,
      error,
      progress: session.progress(),
    };
  } finally {
    session.close();
  }
}

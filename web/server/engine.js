// engine.js — the project's Wasm engine under Node, and the passes the server makes with it.
//
// The module is the browser build (build/wasm/preflight.js, an ES-module factory for web and
// worker). Node imports the same file and hands it the .wasm bytes as `wasmBinary`, so it
// never tries to fetch a path: the server validates with exactly the artefact the page
// ships, and so its verdicts match the browser's (tests/wasm/harness.mjs loads it the same
// way).
//
// Every pass feeds the file in slices and yields to the event loop between them, so a big
// upload never blocks other requests for longer than one slice takes.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { sleep } from './http-util.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultWasmDir = join(repoRoot, 'build/wasm');

/** Codes that only say the mapping is not given yet: harmless while reading headers. */
const MAPPING_CODES = new Set(['bad_mapping', 'missing_required_field']);

const modules = new Map();

/**
 * The engine module, instantiated once per directory and process.
 * @param {string} [wasmDir]
 */
export function loadEngine(wasmDir = defaultWasmDir) {
  const dir = resolve(wasmDir);
  if (!modules.has(dir)) {
    const js = join(dir, 'preflight.js');
    const wasm = join(dir, 'preflight.wasm');
    if (!existsSync(js) || !existsSync(wasm)) {
      throw new Error(`The Wasm engine is not built: ${js} or ${wasm} is missing (run scripts/build.sh wasm).`);
    }
    modules.set(dir, (async () => {
      const { default: createPreflight } = await import(pathToFileURL(js).href);
      return createPreflight({ wasmBinary: readFileSync(wasm) });
    })());
  }
  return modules.get(dir);
}

/**
 * The import types the engine knows: name → {singular, key, fields (Set of names)}.
 * @param {any} pf the engine module
 */
export function describeTypes(pf) {
  const types = new Map();
  for (const t of pf.types()) {
    types.set(t.type, { singular: t.singular, key: t.key, fields: new Set(t.fields.map((f) => f.name)) });
  }
  return types;
}

/**
 * Feeds `size` bytes, read slice by slice with `readSlice(offset, length)`, and calls
 * `afterSlice()` after each; stops early when `afterSlice` returns true.
 * Returns the PreflightError that ended the pass, or null.
 */
async function feedAll(pf, session, size, sliceBytes, readSlice, afterSlice = () => false) {
  try {
    for (let at = 0; at < size; at += sliceBytes) {
      session.feed(readSlice(at, Math.min(sliceBytes, size - at)));
      if (afterSlice()) return null;
      await sleep(0);
    }
    session.finish();
    return null;
  } catch (e) {
    if (e instanceof pf.PreflightError) return e;
    throw e;
  }
}

/**
 * Reads an upload's headers (the names a mapping refers to). A file the engine cannot read
 * at all (empty, only a BOM, no header row, unusable header) gives `error`.
 * @returns {Promise<{headers: string[], error: {code: string, message: string}|null}>}
 */
export async function readHeaders(pf, { type, fileName, size, sliceBytes, readSlice, engineOptions }) {
  const session = pf.openSession(type, { ...engineOptions, mode: 'validate', fileName, errorCsv: false });
  try {
    const error = await feedAll(pf, session, size, sliceBytes, readSlice, () => session.progress().headerReady);
    const progress = session.progress();
    if (error && !(MAPPING_CODES.has(error.code) && progress.headerReady)) {
      return { headers: [], error: { code: error.code, message: error.message } };
    }
    return { headers: session.headers().names, error: null };
  } finally {
    session.close();
  }
}

/**
 * Checks a mapping against the file with the engine and counts the data rows it will
 * process: the import's total_jobs.
 * @returns {Promise<{rows: number, error: {code: string, message: string}|null}>}
 */
export async function countRows(pf, { type, mode, mapping, fileName, size, sliceBytes, readSlice, engineOptions }) {
  const session = pf.openSession(type, {
    ...engineOptions, mode, fileName, mapping: { headers: [mapping] }, errorCsv: false,
  });
  try {
    const error = await feedAll(pf, session, size, sliceBytes, readSlice);
    if (error) return { rows: 0, error: { code: error.code, message: error.message } };
    // The engine's own total (clean + failed rows), so the count matches processing exactly.
    return { rows: session.summary().total_jobs, error: null };
  } finally {
    session.close();
  }
}

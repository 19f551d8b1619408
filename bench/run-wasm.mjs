#!/usr/bin/env node
// run-wasm.mjs — one contender of bench/compare.mjs: the Wasm engine under Node, fed the
// way the browser worker feeds it (1 MiB slices of the file, like blob.slice()).
//
//   node bench/run-wasm.mjs FILE [--dir build/wasm] [--passes 1] [--warm-up 1]
//                                [--warm-up-bytes 262144]         → one JSON line on stdout
//
// Validate only (errorCsv off), matching the native `preflight validate` run. Timed from
// the first read to the parsed summary; loading the module is timed apart (setupSeconds),
// as a page pays it once, not per file.
//
// `seconds` is the first pass: the cold run a user gets on the first file after the page
// loads, while V8 still runs much of the module on its baseline compiler (Liftoff) and
// compiles the hot functions with TurboFan in the background. With --passes 2 or more the
// same file is checked again in the same process and `warmSeconds` is the best later pass:
// the steady state, once the hot functions are optimised. With --warm-up 1, the module
// first runs the worker's own warm-up (web/src/warm-up.js: a generated 256 KiB sample in a
// throwaway session, then one turn of the event loop), as the browser worker does right
// after loading it, before the user's file arrives (it takes `warmupSeconds`). Measured
// here, on Node 20: the warm-up alone, without that turn of the event loop, does not help;
// with it, the first file runs at nearly the warm speed.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { warmUp } from '../web/src/warm-up.js';

const SLICE = 1 << 20;
const OPTIONS = { mode: 'validate', today: '2026-01-15', errorCsv: false };

function parseArgs(argv) {
  const args = { file: argv[2], dir: 'build/wasm', passes: 1, warmUp: 0, warmUpBytes: 256 << 10 };
  for (let i = 3; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (!(key in args) || argv[i + 1] === undefined) throw new Error(`run-wasm.mjs: unknown or incomplete option ${argv[i]}`);
    args[key] = typeof args[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!args.file) throw new Error('usage: run-wasm.mjs FILE [--dir D] [--passes N] [--warm-up 1] [--warm-up-bytes N]');
  return args;
}

/** Instantiates build/wasm/preflight.js (or another build dir) as the tests do. */
async function loadModule(dir) {
  const { default: createPreflight } = await import(pathToFileURL(join(dir, 'preflight.js')).href);
  return createPreflight({ wasmBinary: readFileSync(join(dir, 'preflight.wasm')) });
}

/** Feeds `file` slice by slice into one reused buffer; returns the summary. */
function validateFile(pf, file) {
  const session = pf.openSession('clients', OPTIONS);
  const buffer = Buffer.allocUnsafe(SLICE);
  const fd = openSync(file, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, SLICE, null)) > 0; ) {
      session.feed(buffer.subarray(0, n));
    }
    session.finish();
    return session.summary();
  } finally {
    closeSync(fd);
    session.close();
  }
}

/** Wall and CPU seconds taken by fn() (CPU of every thread: V8 compiles Wasm on helpers), and its result. */
function timed(fn) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

const args = parseArgs(process.argv);
const load = performance.now();
const pf = await loadModule(resolve(args.dir));
const setupSeconds = (performance.now() - load) / 1000;
const warmup = args.warmUp ? await warmUp(pf, { bytes: args.warmUpBytes }) : null;
if (warmup && !warmup.ok) throw new Error('run-wasm.mjs: the warm-up failed');
const first = timed(() => validateFile(pf, args.file));
let warm = null;
for (let p = 1; p < args.passes; p++) {
  const pass = timed(() => validateFile(pf, args.file));
  if (pass.value.failed_jobs !== first.value.failed_jobs) throw new Error('a later pass disagrees with the first');
  if (!warm || pass.seconds < warm.seconds) warm = pass;
}
console.log(JSON.stringify({
  rows: first.value.total_jobs,
  failed: first.value.failed_jobs,
  seconds: first.seconds,
  cpuSeconds: first.cpuSeconds,
  warmSeconds: warm?.seconds ?? null,
  warmCpuSeconds: warm?.cpuSeconds ?? null,
  warmupSeconds: warmup?.seconds ?? null,
  warmupBytes: warmup?.bytes ?? null,
  setupSeconds,
  maxRssKB: process.resourceUsage().maxRSS,
  // The module's linear memory: what the worker's Wasm heap would be.
  wasmHeapBytes: pf.HEAPU8.buffer.byteLength,
}));

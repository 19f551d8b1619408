// worker.js — the module worker that hosts the preflight engine (the Wasm module).
//
// Started by preflight.js as `new Worker(new URL('./worker.js', import.meta.url),
// {type: 'module'})`. It loads the Wasm module once, on the first job, and keeps it for
// every later job. It receives the File itself (Files are structured-cloned by reference,
// not by bytes), reads it in slices of ~1 MiB (`blob.slice(a, b).arrayBuffer()`, one slice
// read ahead) and feeds each slice to the engine, so neither thread ever holds the whole
// file: memory stays flat whatever the file size. After each slice it drains the error CSV
// and the finished clean batches out of the Wasm heap into Blobs (the browser keeps Blob
// bytes outside the JS and Wasm heaps, and can page them to disk).
//
// Where the Wasm module comes from: by default `../../build/wasm/preflight.js` relative to
// this file (the repository layout, served from its root), and that glue finds
// `preflight.wasm` beside itself. The first message may override both (`init`, below).
//
// Protocol. Every message is an object with a `kind`; job messages carry the job's `id`.
// Main thread → worker:
//   {kind: 'init', moduleUrl?, wasmUrl?, warmUp?}
//                                             absolute URLs of the glue and the .wasm; must
//                                             come first; answered with 'ready' or 'failed';
//                                             then, unless warmUp is false, a 50 ms warm-up
//                                             that file jobs wait for (warm-up.js)
//   {kind: 'types', id, schemas?}             → 'done' {result: ImportType[]}
//   {kind: 'suggest', id, file, type, options, schemas?, maxBytes?, sliceBytes?}
//                                             → 'progress'…, 'done' {result: suggestion}
//   {kind: 'validate', id, file, type, options, schemas?, sliceBytes?, progressIntervalMs?}
//                                             → 'started', 'progress'…, 'batch'…,
//                                               'done' {result: {summary, errorReport, stats}}
//   {kind: 'cancel', id}                      stops that job between two slices (or before
//                                             it starts); it then ends with 'failed'
//                                             {error: {name: 'AbortError', code: 'aborted'}}
// Worker → main thread:
//   {kind: 'ready', engineVersion}
//   {kind: 'started', id}
//   {kind: 'progress', id, progress}          throttled (~every 150 ms) plus a final one
//   {kind: 'batch', id, batch: {index, rows, firstLine, lastLine, bytes, blob}}
//   {kind: 'done', id, result}
//   {kind: 'failed', id, error: {name, code, message}, summary?, errorReport?, stats?}
//
// Jobs that read files run one at a time, in the order they arrive; 'types' and 'cancel'
// are answered at once. Every failure reaches the main thread as {name, code, message}:
// the engine's PreflightError codes (unknown_type, bad_mapping, empty_file, …), plus
// read_error (the File could not be read), engine_unavailable (the module failed to load),
// engine_crashed (the Wasm code trapped; the module is reloaded for the next job) and
// aborted.

import { warmUp } from './warm-up.js';

/** Bytes per File slice: ~1 MiB is the fast size for feed() calls and keeps the heap small. */
const DEFAULT_SLICE_BYTES = 1 << 20;
/** suggest(): smaller slices, so it stops soon after the header and sample rows are in. */
const DEFAULT_SUGGEST_SLICE_BYTES = 64 << 10;
/** suggest() reads at most this much of the file by default. */
const DEFAULT_SUGGEST_MAX_BYTES = 256 << 10;
const DEFAULT_PROGRESS_INTERVAL_MS = 150;
/** Error CSV bytes gathered in JS before they become one Blob part. */
const ERROR_CSV_PART_BYTES = 1 << 20;

/** Set by 'init'; the defaults are the repository layout. */
const config = {
  moduleUrl: new URL('../../build/wasm/preflight.js', import.meta.url).href,
  /** @type {string|null} null: the glue finds preflight.wasm beside itself */
  wasmUrl: null,
};

/** @type {Promise<any>|null} the instantiated module, once loading started */
let enginePromise = null;
/** Ids of the jobs queued or running. */
const pendingJobs = new Set();
/** Ids of pending jobs whose cancellation was asked for. */
const cancelled = new Set();
/** File jobs run in sequence on this chain. */
let fileJobs = Promise.resolve();

class JobError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {string} [name]
   */
  constructor(code, message, name = 'PreflightError') {
    super(message);
    this.name = name;
    this.code = code;
  }
}

function abortError() {
  return new JobError('aborted', 'the job was cancelled', 'AbortError');
}

/** The module, loaded on first use. A failed load is retried by the next job. */
function loadEngine() {
  enginePromise ??= (async () => {
    let factory;
    try {
      ({ default: factory } = await import(/* @vite-ignore */ /* webpackIgnore: true */ config.moduleUrl));
    } catch (error) {
      throw new JobError('engine_unavailable', `could not load the preflight module from ${config.moduleUrl}: ${describe(error)}`);
    }
    const moduleOptions = {};
    if (config.wasmUrl) {
      const wasmUrl = config.wasmUrl;
      moduleOptions.locateFile = (path, prefix) => (path.endsWith('.wasm') ? wasmUrl : prefix + path);
    }
    try {
      return await factory(moduleOptions);
    } catch (error) {
      const where = config.wasmUrl ?? new URL('preflight.wasm', config.moduleUrl).href;
      throw new JobError('engine_unavailable', `could not instantiate the preflight engine (${where}): ${describe(error)}`);
    }
  })();
  enginePromise.catch(() => {
    enginePromise = null;
  });
  return enginePromise;
}

/** The Wasm linear memory in bytes (the heap the 64 MB budget is about). */
function heapBytes(engine) {
  return engine.HEAPU8 ? engine.HEAPU8.buffer.byteLength : 0;
}

function describe(error) {
  return error instanceof Error ? error.message || error.name : String(error);
}

/** Any thrown value → the {name, code, message} the main thread receives. */
function toWire(error, engine) {
  if (error instanceof JobError) return { name: error.name, code: error.code, message: error.message };
  if (engine && error instanceof engine.PreflightError) return { name: 'PreflightError', code: error.code, message: error.message };
  if (error instanceof WebAssembly.RuntimeError || /^(Aborted|RuntimeError)/.test(describe(error))) {
    // A trap leaves the module unusable (Emscripten sets ABORT): load a fresh one next time.
    enginePromise = null;
    return { name: 'PreflightError', code: 'engine_crashed', message: `the engine stopped: ${describe(error)}` };
  }
  return { name: 'PreflightError', code: 'internal', message: describe(error) };
}

function checkCancelled(id) {
  if (cancelled.has(id)) throw abortError();
}

/**
 * Reads `blob` from `start` in slices of `sliceBytes`, one slice read ahead, as Uint8Arrays.
 * @param {Blob} blob
 */
async function* readSlices(blob, sliceBytes, start = 0) {
  const name = blob instanceof File ? blob.name : 'the file';
  const read = (at) => {
    const end = Math.min(blob.size, at + sliceBytes);
    const reading = blob.slice(at, end).arrayBuffer().then(
      (buffer) => new Uint8Array(buffer),
      (error) => {
        throw new JobError('read_error', `could not read ${name} at bytes ${at}–${end}: ${describe(error)}`);
      });
    reading.catch(() => {}); // a read ahead the consumer never awaits (cancelled) is not an unhandled rejection
    return reading;
  };
  let next = start < blob.size ? read(start) : null;
  for (let at = start; next; at += sliceBytes) {
    const bytes = await next;
    next = at + sliceBytes < blob.size ? read(at + sliceBytes) : null;
    yield bytes;
  }
}

/** Frees a session; after a trap the module is dead and delete() throws too: the first error is the one that counts. */
function closeQuietly(session) {
  try {
    session.close();
  } catch {
    // the module aborted; toWire() has dropped it
  }
}

/** Counters for progress events: rows per second, bytes per second, the heap's peak. */
class ProgressMeter {
  constructor(id, engine, totalBytes, intervalMs) {
    this.id = id;
    this.engine = engine;
    this.totalBytes = totalBytes;
    this.intervalMs = intervalMs;
    this.started = performance.now();
    this.lastPost = -Infinity;
    this.bytesRead = 0;
    this.peakHeapBytes = heapBytes(engine);
    /** Where the time went: waiting for File reads, in the engine, turning output into Blobs. */
    this.timings = { readWaitMs: 0, engineMs: 0, drainMs: 0 };
  }

  /** Runs `step` and adds its duration to timings[key]. */
  time(key, step) {
    const t0 = performance.now();
    try {
      return step();
    } finally {
      this.timings[key] += performance.now() - t0;
    }
  }

  /** The snapshot posted as progress and returned as a job's stats. */
  snapshot(session, done) {
    const p = session ? session.progress() : { rowsRead: 0, rowsFailed: 0 };
    const now = performance.now();
    const elapsedMs = now - this.started;
    const seconds = Math.max(elapsedMs, 1) / 1000;
    const heap = heapBytes(this.engine);
    this.peakHeapBytes = Math.max(this.peakHeapBytes, heap);
    return {
      bytesRead: this.bytesRead,
      totalBytes: this.totalBytes,
      rows: p.rowsRead,
      failedRows: p.rowsFailed,
      rowsPerSecond: Math.round(p.rowsRead / seconds),
      bytesPerSecond: Math.round(this.bytesRead / seconds),
      elapsedMs: Math.round(elapsedMs),
      heapBytes: heap,
      peakHeapBytes: this.peakHeapBytes,
      readWaitMs: Math.round(this.timings.readWaitMs),
      engineMs: Math.round(this.timings.engineMs),
      drainMs: Math.round(this.timings.drainMs),
      done,
    };
  }

  /** Posts a progress event if the last one is older than the interval; `final` always posts, with done: true. */
  tick(session, { first = false, final = false } = {}) {
    this.peakHeapBytes = Math.max(this.peakHeapBytes, heapBytes(this.engine));
    const now = performance.now();
    if (!first && !final && now - this.lastPost < this.intervalMs) return;
    this.lastPost = now;
    self.postMessage({ kind: 'progress', id: this.id, progress: this.snapshot(session, final) });
  }
}

/** Gathers error CSV bytes into Blob parts of ~1 MiB, so neither heap keeps them. */
class ErrorCsvSink {
  constructor() {
    /** @type {Blob[]} */
    this.parts = [];
    /** @type {Uint8Array[]} */
    this.pending = [];
    this.pendingBytes = 0;
  }

  add(bytes) {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= ERROR_CSV_PART_BYTES) this.flush();
  }

  flush() {
    if (this.pending.length === 0) return;
    this.parts.push(new Blob(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The report as a File named like the summary says, or null when it names none. */
  toFile(summary) {
    this.flush();
    const name = summary?.error_report?.filename;
    if (!name) return null;
    return new File(this.parts, name, { type: 'text/csv' });
  }
}

/** Engine options over the worker's defaults; fileName defaults to the File's name. */
function sessionOptions(file, options, defaults) {
  const out = { ...defaults, ...options };
  if (out.fileName === undefined && file instanceof File && file.name) out.fileName = file.name;
  return out;
}

async function runValidate(msg) {
  const { id, file } = msg;
  checkCancelled(id);
  self.postMessage({ kind: 'started', id });
  const engine = await loadEngine();
  checkCancelled(id);
  // Batches are what store and update post to the CRM; validate posts nothing, so it skips
  // them unless asked (turning them into Blobs is a third of the time on a large file).
  const mode = msg.options?.mode ?? 'validate';
  const options = sessionOptions(file, msg.options, { errorCsv: true, batches: mode !== 'validate' });
  const session = engine.openSession(msg.type, options, msg.schemas);
  const meter = new ProgressMeter(id, engine, file.size, msg.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
  const errors = new ErrorCsvSink();
  const drain = () => {
    errors.add(session.takeErrorCsv());
    for (let b; (b = session.nextBatch()); ) {
      const blob = new Blob([b.csv], { type: 'text/csv' });
      const batch = { index: b.index, rows: b.rows, firstLine: b.firstLine, lastLine: b.lastLine, bytes: b.csv.length, blob };
      self.postMessage({ kind: 'batch', id, batch });
    }
  };
  try {
    let importFailure = null;
    try {
      meter.tick(session, { first: true });
      const slices = readSlices(file, msg.sliceBytes ?? DEFAULT_SLICE_BYTES);
      for (;;) {
        const t0 = performance.now();
        const { value: bytes, done } = await slices.next();
        meter.timings.readWaitMs += performance.now() - t0;
        checkCancelled(id);
        if (done) break;
        meter.bytesRead += bytes.length;
        meter.time('engineMs', () => session.feed(bytes));
        meter.time('drainMs', drain);
        meter.tick(session);
      }
      meter.time('engineMs', () => session.finish());
    } catch (error) {
      if (!(error instanceof engine.PreflightError)) throw error;
      importFailure = error; // the file is unusable: the summary says why, and is still read
    }
    drain();
    const summary = session.summary();
    const errorReport = errors.toFile(summary);
    meter.tick(session, { final: true });
    const stats = meter.snapshot(session, true);
    if (importFailure) {
      self.postMessage({ kind: 'failed', id, error: toWire(importFailure, engine), summary, errorReport, stats });
    } else {
      self.postMessage({ kind: 'done', id, result: { summary, errorReport, stats } });
    }
  } catch (error) {
    // Cancelled or unreadable: say how far it got.
    if (error instanceof JobError) error.stats = meter.snapshot(session, false);
    throw error;
  } finally {
    closeQuietly(session);
  }
}

async function runSuggest(msg) {
  const { id, file } = msg;
  checkCancelled(id);
  self.postMessage({ kind: 'started', id });
  const engine = await loadEngine();
  checkCancelled(id);
  const options = sessionOptions(file, msg.options, { mode: 'validate', errorCsv: false, batches: false });
  const session = engine.openSession(msg.type, options, msg.schemas);
  const maxBytes = msg.maxBytes ?? DEFAULT_SUGGEST_MAX_BYTES;
  const meter = new ProgressMeter(id, engine, file.size, DEFAULT_PROGRESS_INTERVAL_MS);
  try {
    let problem = null;
    try {
      for await (const bytes of readSlices(file, Math.min(msg.sliceBytes ?? DEFAULT_SUGGEST_SLICE_BYTES, maxBytes))) {
        checkCancelled(id);
        meter.bytesRead += bytes.length;
        session.feed(bytes);
        if (session.progress().mappingReady || meter.bytesRead >= maxBytes) break;
      }
      // The whole file was read, or maxBytes of it without the sample rows: finishing
      // settles the header and suggestions on what is there.
      if (!session.progress().mappingReady) session.finish();
    } catch (error) {
      if (!(error instanceof engine.PreflightError)) throw error;
      // An unmapped required field still leaves the suggestions filled: that is what
      // suggest() is for. Anything earlier (empty file, no header) is the answer.
      if (!session.progress().mappingReady) throw error;
      problem = { code: error.code, message: error.message };
    }
    const suggested = session.suggestions();
    const headers = session.headers();
    const preflight = session.summary().preflight ?? {};
    meter.tick(session, { final: true });
    self.postMessage({
      kind: 'done',
      id,
      result: {
        type: suggested.type,
        headers: headers.names,
        originalHeaders: headers.original,
        headerWarnings: headers.warnings,
        samples: headers.samples,
        suggestions: suggested.suggestions,
        mapping: suggested.mapping,
        encoding: preflight.encoding ?? null,
        dialect: preflight.dialect ?? null,
        bytesRead: meter.bytesRead,
        totalBytes: file.size,
        wholeFile: meter.bytesRead >= file.size,
        problem,
      },
    });
  } finally {
    closeQuietly(session);
  }
}

async function runTypes(msg) {
  const engine = await loadEngine();
  self.postMessage({ kind: 'done', id: msg.id, result: engine.types(msg.schemas) });
}

/** Runs one job and turns whatever it throws into a 'failed' message. */
async function settle(msg, run) {
  try {
    if (msg.kind !== 'types' && !(msg.file instanceof Blob)) {
      throw new JobError('invalid_argument', `${msg.kind}(): the file must be a File or Blob`);
    }
    await run(msg);
  } catch (error) {
    let engine = null;
    try {
      engine = enginePromise ? await enginePromise : null;
    } catch {
      // the load failure is the error being reported
    }
    self.postMessage({ kind: 'failed', id: msg.id, error: toWire(error, engine), stats: error?.stats ?? null });
  } finally {
    pendingJobs.delete(msg.id);
    cancelled.delete(msg.id);
  }
}

async function init(msg) {
  if (msg.moduleUrl) config.moduleUrl = String(msg.moduleUrl);
  if (msg.wasmUrl) config.wasmUrl = String(msg.wasmUrl);
  try {
    const engine = await loadEngine();
    self.postMessage({ kind: 'ready', engineVersion: engine.engineVersion() });
    // While the user picks a file: file jobs queue behind it (see warm-up.js for why).
    if (msg.warmUp !== false) fileJobs = fileJobs.then(() => warmUp(engine));
  } catch (error) {
    self.postMessage({ kind: 'failed', id: null, error: toWire(error, null) });
  }
}

self.addEventListener('message', (event) => {
  const msg = event.data;
  switch (msg?.kind) {
    case 'init':
      init(msg);
      break;
    case 'cancel':
      if (pendingJobs.has(msg.id)) cancelled.add(msg.id);
      break;
    case 'types':
      pendingJobs.add(msg.id);
      settle(msg, runTypes);
      break;
    case 'suggest':
      pendingJobs.add(msg.id);
      fileJobs = fileJobs.then(() => settle(msg, runSuggest));
      break;
    case 'validate':
      pendingJobs.add(msg.id);
      fileJobs = fileJobs.then(() => settle(msg, runValidate));
      break;
    default:
      self.postMessage({ kind: 'failed', id: msg?.id ?? null, error: { name: 'PreflightError', code: 'invalid_argument', message: `unknown message kind ${JSON.stringify(msg?.kind)}` } });
  }
});
